import { N_MELS } from "./mel.js";

export const N_MFCC = 20;

let dctMatrix: Float64Array | undefined;

/** The first N_MFCC rows of the orthonormal DCT-II of length N_MELS (scipy.fftpack.dct(norm="ortho")). */
function buildDct(): Float64Array {
  const matrix = new Float64Array(N_MFCC * N_MELS);
  for (let k = 0; k < N_MFCC; k++) {
    const scale = Math.sqrt((k === 0 ? 1 : 2) / N_MELS);
    for (let n = 0; n < N_MELS; n++)
      matrix[k * N_MELS + n] = scale * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * N_MELS));
  }
  return matrix;
}

/**
 * librosa.feature.mfcc(y, n_mfcc=20) (dct_type=2, norm="ortho", no lifter) from the log-mel
 * spectrogram: one array over frames per coefficient.
 */
export function mfcc(melDb: Float32Array, nFrames: number): Float64Array[] {
  dctMatrix ??= buildDct();
  const coefficients = Array.from({ length: N_MFCC }, () => new Float64Array(nFrames));
  // Four coefficients per pass over a frame: each log-mel value is loaded once for four products.
  for (let t = 0; t < nFrames; t++) {
    const base = t * N_MELS;
    for (let k = 0; k < N_MFCC; k += 4) {
      const r0 = k * N_MELS;
      const r1 = r0 + N_MELS;
      const r2 = r1 + N_MELS;
      const r3 = r2 + N_MELS;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let n = 0; n < N_MELS; n++) {
        const x = melDb[base + n] as number;
        s0 += (dctMatrix[r0 + n] as number) * x;
        s1 += (dctMatrix[r1 + n] as number) * x;
        s2 += (dctMatrix[r2 + n] as number) * x;
        s3 += (dctMatrix[r3 + n] as number) * x;
      }
      (coefficients[k] as Float64Array)[t] = s0;
      (coefficients[k + 1] as Float64Array)[t] = s1;
      (coefficients[k + 2] as Float64Array)[t] = s2;
      (coefficients[k + 3] as Float64Array)[t] = s3;
    }
  }
  return coefficients;
}

import { N_BINS, N_FFT, SAMPLE_RATE } from "./stft.js";

/** Smallest normal float32 (numpy's tiny): librosa.util.normalize leaves columns below it unscaled. */
export const FLOAT32_TINY = 1.1754943508222875e-38;

const ROLL_PERCENT = Math.fround(0.85);

/** Centre frequency of each STFT bin (librosa.fft_frequencies(sr=22050, n_fft=2048)). */
export const BIN_FREQUENCIES: Float64Array = Float64Array.from(
  { length: N_BINS },
  (_, k) => (k * SAMPLE_RATE) / N_FFT,
);

export interface SpectralShape {
  centroid: Float64Array;
  bandwidth: Float64Array;
  rolloff: Float64Array;
}

/**
 * Per frame of the magnitude spectrogram, in one pass over it:
 * - centroid: librosa.feature.spectral_centroid — Σ f·S / Σ S;
 * - bandwidth: librosa.feature.spectral_bandwidth (p=2, norm=True) — √(Σ S·(f − centroid)² / Σ S);
 * - rolloff: librosa.feature.spectral_rolloff (roll_percent=0.85) — the lowest bin frequency whose
 *   cumulative magnitude reaches 85 % of the frame total; the cumulative sum and threshold are
 *   float32 as in librosa so that ties at the threshold fall on the same bin.
 */
export function spectralShape(magnitude: Float32Array, nFrames: number): SpectralShape {
  const centroid = new Float64Array(nFrames);
  const bandwidth = new Float64Array(nFrames);
  const rolloff = new Float64Array(nFrames);
  for (let t = 0; t < nFrames; t++) {
    const base = t * N_BINS;
    let total = 0;
    let weighted = 0;
    let cumulative32 = 0;
    for (let k = 0; k < N_BINS; k++) {
      const s = magnitude[base + k] as number;
      total += s;
      weighted += s * (BIN_FREQUENCIES[k] as number);
      cumulative32 = Math.fround(cumulative32 + s);
    }
    const norm = total < FLOAT32_TINY ? 1 : total;
    const c = weighted / norm;
    let spread = 0;
    for (let k = 0; k < N_BINS; k++) {
      const d = (BIN_FREQUENCIES[k] as number) - c;
      spread += (magnitude[base + k] as number) * d * d;
    }
    centroid[t] = c;
    bandwidth[t] = Math.sqrt(spread / norm);
    rolloff[t] = rolloffFrequency(magnitude, base, Math.fround(ROLL_PERCENT * cumulative32));
  }
  return { centroid, bandwidth, rolloff };
}

function rolloffFrequency(magnitude: Float32Array, base: number, threshold: number): number {
  let cumulative32 = 0;
  for (let k = 0; k < N_BINS; k++) {
    cumulative32 = Math.fround(cumulative32 + (magnitude[base + k] as number));
    if (cumulative32 >= threshold) return BIN_FREQUENCIES[k] as number;
  }
  return BIN_FREQUENCIES[N_BINS - 1] as number;
}

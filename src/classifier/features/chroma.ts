import { FLOAT32_TINY, N_BINS, N_FFT, SAMPLE_RATE } from "./stft.js";
import { estimateTuning } from "./tuning.js";

export const N_CHROMA = 12;
// librosa.filters.chroma defaults: Gaussian octave weighting centred on octave 5, 2 octaves wide.
const CENTER_OCTAVE = 5;
const OCTAVE_WIDTH = 2;
/**
 * librosa.filters.chroma(sr=22050, n_fft=2048, tuning, n_chroma=12, ctroct=5, octwidth=2, norm=2,
 * base_c=True): per FFT bin, a Gaussian bump over the 12 pitch classes around the bin's pitch,
 * L2-normalised, weighted by a Gaussian over octaves, rows rotated to start at C, float32.
 * Stored bin-major (the 12 weights of bin k at k * 12) for the projection below.
 */
function buildChromaFilterbank(tuning: number): Float32Array {
  const a440 = 440 * 2 ** (tuning / N_CHROMA);
  // Pitch (in chroma bins) of every FFT bin; the 0 Hz bin is placed 1.5 octaves below bin 1.
  const pitch = new Float64Array(N_FFT);
  for (let k = 1; k < N_FFT; k++) pitch[k] = N_CHROMA * Math.log2((k * SAMPLE_RATE) / N_FFT / (a440 / 16));
  pitch[0] = (pitch[1] as number) - 1.5 * N_CHROMA;
  const filterbank = new Float32Array(N_BINS * N_CHROMA);
  const column = new Float64Array(N_CHROMA);
  const halfChroma = Math.round(N_CHROMA / 2);
  for (let k = 0; k < N_BINS; k++) {
    const binWidth = Math.max((pitch[k + 1] as number) - (pitch[k] as number), 1);
    let norm = 0;
    for (let c = 0; c < N_CHROMA; c++) {
      // Distance to pitch class c, wrapped into [-6, 6).
      const distance =
        ((((pitch[k] as number) - c + halfChroma + 10 * N_CHROMA) % N_CHROMA) + N_CHROMA) % N_CHROMA;
      const z = (2 * (distance - halfChroma)) / binWidth;
      const weight = Math.exp(-0.5 * z * z);
      column[c] = weight;
      norm += weight * weight;
    }
    norm = Math.sqrt(norm);
    const octave = ((pitch[k] as number) / N_CHROMA - CENTER_OCTAVE) / OCTAVE_WIDTH;
    const octaveWeight = Math.exp(-0.5 * octave * octave);
    for (let c = 0; c < N_CHROMA; c++) {
      // base_c: np.roll(-3) makes row 0 the pitch class 3 semitones above A, i.e. C.
      filterbank[k * N_CHROMA + ((c + N_CHROMA - 3) % N_CHROMA)] =
        ((column[c] as number) / norm) * octaveWeight;
    }
  }
  return filterbank;
}

/**
 * librosa.feature.chroma_stft(y) (n_fft=2048, hop 512, tuning estimated from the power
 * spectrogram, each frame scaled to max 1 — norm=inf), frame-major: N_CHROMA values per frame.
 * The 12 sums are kept in locals, one pass over each frame's bins: no scatter through memory.
 */
export function chromagram(power: Float32Array, nFrames: number): Float64Array {
  const w = buildChromaFilterbank(estimateTuning(power, nFrames));
  const values = new Float64Array(nFrames * N_CHROMA);
  for (let t = 0; t < nFrames; t++) {
    const base = t * N_BINS;
    let c0 = 0;
    let c1 = 0;
    let c2 = 0;
    let c3 = 0;
    let c4 = 0;
    let c5 = 0;
    let c6 = 0;
    let c7 = 0;
    let c8 = 0;
    let c9 = 0;
    let c10 = 0;
    let c11 = 0;
    for (let k = 0, j = 0; k < N_BINS; k++, j += N_CHROMA) {
      const p = power[base + k] as number;
      c0 += (w[j] as number) * p;
      c1 += (w[j + 1] as number) * p;
      c2 += (w[j + 2] as number) * p;
      c3 += (w[j + 3] as number) * p;
      c4 += (w[j + 4] as number) * p;
      c5 += (w[j + 5] as number) * p;
      c6 += (w[j + 6] as number) * p;
      c7 += (w[j + 7] as number) * p;
      c8 += (w[j + 8] as number) * p;
      c9 += (w[j + 9] as number) * p;
      c10 += (w[j + 10] as number) * p;
      c11 += (w[j + 11] as number) * p;
    }
    const max = Math.max(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11);
    const scale = max < FLOAT32_TINY ? 1 : 1 / max;
    const out = t * N_CHROMA;
    values[out] = c0 * scale;
    values[out + 1] = c1 * scale;
    values[out + 2] = c2 * scale;
    values[out + 3] = c3 * scale;
    values[out + 4] = c4 * scale;
    values[out + 5] = c5 * scale;
    values[out + 6] = c6 * scale;
    values[out + 7] = c7 * scale;
    values[out + 8] = c8 * scale;
    values[out + 9] = c9 * scale;
    values[out + 10] = c10 * scale;
    values[out + 11] = c11 * scale;
  }
  return values;
}

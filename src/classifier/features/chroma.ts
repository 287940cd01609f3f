import { FLOAT32_TINY } from "./spectral.js";
import { type MeanVariance, meanVariance } from "./stats.js";
import { N_BINS, N_FFT, SAMPLE_RATE } from "./stft.js";
import { estimateTuning } from "./tuning.js";

export const N_CHROMA = 12;
// librosa.filters.chroma defaults: Gaussian octave weighting centred on octave 5, 2 octaves wide.
const CENTER_OCTAVE = 5;
const OCTAVE_WIDTH = 2;
/**
 * Filterbank weights below this fraction of their bin's largest weight are skipped: they move a
 * chroma value by < 12 × 1e-9 of its frame maximum (below float32 resolution) and leave ~5 of the
 * 12 weights per bin above 1 kHz, which more than halves the projection's cost.
 */
const NEGLIGIBLE_WEIGHT = 1e-9;

/** The chroma filterbank in sparse column form: for each STFT bin, (chroma index, weight) pairs. */
interface ChromaFilterbank {
  offsets: Int32Array;
  chroma: Uint8Array;
  weights: Float32Array;
}

/**
 * librosa.filters.chroma(sr=22050, n_fft=2048, tuning, n_chroma=12, ctroct=5, octwidth=2, norm=2,
 * base_c=True): per FFT bin, a Gaussian bump over the 12 pitch classes around the bin's pitch,
 * L2-normalised, weighted by a Gaussian over octaves, rows rotated to start at C, float32.
 */
function buildChromaFilterbank(tuning: number): ChromaFilterbank {
  const a440 = 440 * 2 ** (tuning / N_CHROMA);
  // Pitch (in chroma bins) of every FFT bin; the 0 Hz bin is placed 1.5 octaves below bin 1.
  const pitch = new Float64Array(N_FFT);
  for (let k = 1; k < N_FFT; k++) pitch[k] = N_CHROMA * Math.log2((k * SAMPLE_RATE) / N_FFT / (a440 / 16));
  pitch[0] = (pitch[1] as number) - 1.5 * N_CHROMA;
  const offsets = new Int32Array(N_BINS + 1);
  const chroma: number[] = [];
  const weights: number[] = [];
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
    let largest = 0;
    for (let c = 0; c < N_CHROMA; c++) {
      const w = ((column[c] as number) / norm) * octaveWeight;
      column[c] = w;
      largest = Math.max(largest, w);
    }
    for (let c = 0; c < N_CHROMA; c++) {
      const w = column[c] as number;
      if (w < largest * NEGLIGIBLE_WEIGHT) continue;
      // base_c: np.roll(-3) makes row 0 the pitch class 3 semitones above A, i.e. C.
      chroma.push((c + N_CHROMA - 3) % N_CHROMA);
      weights.push(w);
    }
    offsets[k + 1] = weights.length;
  }
  return { offsets, chroma: Uint8Array.from(chroma), weights: Float32Array.from(weights) };
}

/**
 * librosa.feature.chroma_stft(y) (n_fft=2048, hop 512, tuning estimated from the power
 * spectrogram, each frame scaled to max 1 — norm=inf), frame-major: N_CHROMA values per frame.
 */
export function chromagram(power: Float32Array, nFrames: number): Float64Array {
  const { offsets, chroma, weights } = buildChromaFilterbank(estimateTuning(power, nFrames));
  const values = new Float64Array(nFrames * N_CHROMA);
  const frame = new Float64Array(N_CHROMA);
  for (let t = 0; t < nFrames; t++) {
    frame.fill(0);
    const base = t * N_BINS;
    for (let k = 0; k < N_BINS; k++) {
      const p = power[base + k] as number;
      if (p === 0) continue;
      for (let j = offsets[k] as number; j < (offsets[k + 1] as number); j++) {
        const c = chroma[j] as number;
        frame[c] = (frame[c] as number) + (weights[j] as number) * p;
      }
    }
    let max = 0;
    for (let c = 0; c < N_CHROMA; c++) max = Math.max(max, frame[c] as number);
    const scale = max < FLOAT32_TINY ? 1 : 1 / max;
    for (let c = 0; c < N_CHROMA; c++) values[t * N_CHROMA + c] = (frame[c] as number) * scale;
  }
  return values;
}

/** chroma_stft_mean and chroma_stft_var: over all 12 × frames values, as np.mean/np.var do. */
export function chromaStats(power: Float32Array, nFrames: number): MeanVariance {
  return meanVariance(chromagram(power, nFrames));
}

import { FLOAT32_TINY, N_BINS, N_FFT, SAMPLE_RATE } from "./stft.js";

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
 * - bandwidth: librosa.feature.spectral_bandwidth (p=2, norm=True) — √(Σ S·(f − centroid)² / Σ S),
 *   expanded to Σ S·f² / Σ S − centroid² so the frame is read once (float64 keeps ~9 digits);
 * - rolloff: librosa.feature.spectral_rolloff (roll_percent=0.85) — the lowest bin frequency whose
 *   cumulative magnitude reaches 85 % of the frame total; the cumulative sum and threshold are
 *   float32 as in librosa so that ties at the threshold fall on the same bin.
 */
export function spectralShape(magnitude: Float32Array, nFrames: number): SpectralShape {
  const centroid = new Float64Array(nFrames);
  const bandwidth = new Float64Array(nFrames);
  const rolloff = new Float64Array(nFrames);
  // Storing into a Float32Array rounds each partial sum to float32, like np.cumsum on float32.
  const cumulative = new Float32Array(N_BINS);
  for (let t = 0; t < nFrames; t++) {
    const base = t * N_BINS;
    let total = 0;
    let weighted = 0;
    let weightedSquares = 0;
    let running = 0;
    for (let k = 0; k < N_BINS; k++) {
      const s = magnitude[base + k] as number;
      const f = BIN_FREQUENCIES[k] as number;
      total += s;
      weighted += s * f;
      weightedSquares += s * f * f;
      cumulative[k] = running + s;
      running = cumulative[k] as number;
    }
    const norm = total < FLOAT32_TINY ? 1 : total;
    const c = weighted / norm;
    centroid[t] = c;
    // Σ S·(f − c)² / norm, which is ≥ 0; max() only absorbs rounding when the frame is a single bin.
    bandwidth[t] = Math.sqrt(Math.max(0, weightedSquares / norm - (c * c * total) / norm));
    rolloff[t] = BIN_FREQUENCIES[firstAtLeast(cumulative, Math.fround(ROLL_PERCENT * running))] as number;
  }
  return { centroid, bandwidth, rolloff };
}

/** Index of the first value ≥ threshold in a non-decreasing array (its last index if none). */
function firstAtLeast(sorted: Float32Array, threshold: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) >= threshold) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

import { FLOAT32_TINY, N_BINS, N_FFT, SAMPLE_RATE } from "./stft.js";

// librosa.piptrack defaults: peaks between 150 Hz and 4 kHz, above 10 % of the frame maximum.
const F_MIN = 150;
const F_MAX = 4000;
const PEAK_THRESHOLD = Math.fround(0.1);
// librosa.pitch_tuning defaults: 0.01-semitone histogram over [-0.5, 0.5].
const RESOLUTION_BINS = 100;

/** STFT bins whose frequency f satisfies F_MIN ≤ f < F_MAX (piptrack's frequency mask). */
const FIRST_BIN = Math.ceil((F_MIN * N_FFT) / SAMPLE_RATE);
const LAST_BIN = Math.ceil((F_MAX * N_FFT) / SAMPLE_RATE) - 1;

/**
 * librosa.estimate_tuning(S=spectrogram, sr=22050, bins_per_octave=12). chroma_stft calls it with
 * its power spectrogram when tuning=None (estimate_tuning(y) would use magnitudes): piptrack's parabolically interpolated spectral peaks,
 * kept when their magnitude reaches the median peak magnitude, folded to their deviation from
 * the equal-tempered grid, and the most populated 0.01-semitone bin wins. The arithmetic mirrors
 * librosa's float32 steps so that deviations near a histogram edge land in the same bin.
 */
export function estimateTuning(spectrogram: Float32Array, nFrames: number): number {
  const pitches: number[] = [];
  const magnitudes: number[] = [];
  for (let t = 0; t < nFrames; t++) {
    const base = t * N_BINS;
    let max = 0;
    for (let k = 0; k < N_BINS; k++) max = Math.max(max, spectrogram[base + k] as number);
    const reference = Math.fround(PEAK_THRESHOLD * max);
    for (let k = FIRST_BIN; k <= LAST_BIN; k++) {
      const below = spectrogram[base + k - 1] as number;
      const s = spectrogram[base + k] as number;
      const above = spectrogram[base + k + 1] as number;
      // util.localmax of S·(S > ref): strictly above the lower neighbour, at least the upper one.
      if (!(s > reference)) continue;
      if (!(s > (below > reference ? below : 0) && s >= (above > reference ? above : 0))) continue;
      const average = Math.fround(0.5 * Math.fround(above - below));
      const curvature = Math.fround(Math.fround(2 * s - above) - below);
      const shift = Math.fround(average / (Math.abs(curvature) < FLOAT32_TINY ? curvature + 1 : curvature));
      const skew = Math.fround(Math.fround(0.5 * average) * shift);
      pitches.push(Math.fround(((k + shift) * SAMPLE_RATE) / N_FFT));
      magnitudes.push(Math.fround(s + skew));
    }
  }
  const positive: number[] = [];
  for (let i = 0; i < pitches.length; i++) {
    if ((pitches[i] as number) > 0) positive.push(magnitudes[i] as number);
  }
  const threshold = positive.length > 0 ? float32Median(positive) : 0;
  const counts = new Int32Array(RESOLUTION_BINS);
  for (let i = 0; i < pitches.length; i++) {
    const pitch = pitches[i] as number;
    if (pitch > 0 && (magnitudes[i] as number) >= threshold) {
      const bin = histogramBin(semitoneDeviation(pitch));
      counts[bin] = (counts[bin] as number) + 1;
    }
  }
  let best = 0;
  for (let b = 1; b < RESOLUTION_BINS; b++) if ((counts[b] as number) > (counts[best] as number)) best = b;
  // With no peak at all librosa warns and returns 0; an empty histogram would give its first edge.
  return positive.length > 0 ? histogramEdge(best) : 0;
}

/** Residual of 12·log2(f / 27.5 Hz) in [-0.5, 0.5), in float32 as librosa.pitch_tuning computes it. */
function semitoneDeviation(pitch: number): number {
  const octaves = Math.fround(Math.log2(Math.fround(pitch / 27.5)));
  const semitones = Math.fround(12 * octaves);
  const residual = semitones - Math.floor(semitones);
  return residual >= 0.5 ? Math.fround(residual - 1) : residual;
}

/** Left edge b of np.linspace(-0.5, 0.5, 101), computed as numpy does (b·step + start). */
function histogramEdge(b: number): number {
  return b * (1 / RESOLUTION_BINS) + -0.5;
}

/** np.histogram's bin of x against those edges: [edge_b, edge_b+1), the last bin closed. */
function histogramBin(x: number): number {
  let b = Math.min(RESOLUTION_BINS - 1, Math.max(0, Math.floor((x + 0.5) * RESOLUTION_BINS)));
  while (b > 0 && x < histogramEdge(b)) b--;
  while (b < RESOLUTION_BINS - 1 && x >= histogramEdge(b + 1)) b++;
  return b;
}

/** np.median of float32 values: the middle one, or the float32 mean of the two middle ones. */
function float32Median(values: number[]): number {
  const sorted = Float32Array.from(values).sort();
  const mid = sorted.length >> 1;
  if (sorted.length % 2 === 1) return sorted[mid] as number;
  return Math.fround((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

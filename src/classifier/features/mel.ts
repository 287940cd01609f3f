import { N_BINS, N_FFT, SAMPLE_RATE } from "./stft.js";

export const N_MELS = 128;

/** power_to_db defaults: ref=1.0, amin=1e-10, top_db=80. */
const AMIN = 1e-10;
const TOP_DB = 80;

/**
 * The mel filterbank in packed sparse rows: band m weighs bins firstBin[m] onwards with
 * weights[offsets[m] .. offsets[m + 1]).
 */
interface MelFilterbank {
  firstBin: Int32Array;
  offsets: Int32Array;
  weights: Float32Array;
}

// librosa.hz_to_mel / mel_to_hz with htk=False: Slaney's scale, linear below 1 kHz, log above.
const F_SP = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOG_STEP = Math.log(6.4) / 27;

function hzToMel(hz: number): number {
  return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP : hz / F_SP;
}

function melToHz(mel: number): number {
  return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL)) : F_SP * mel;
}

/**
 * librosa.filters.mel(sr=22050, n_fft=2048, n_mels=128, fmin=0, fmax=sr/2, htk=False,
 * norm="slaney"), float32 like librosa's, stored sparsely: each band is non-zero on a short run
 * of bins, so the mel projection costs ~2 multiply-adds per STFT bin instead of 128.
 */
function buildMelFilterbank(): MelFilterbank {
  const maxMel = hzToMel(SAMPLE_RATE / 2);
  const step = maxMel / (N_MELS + 1); // np.linspace(min_mel=0, max_mel, n_mels + 2)
  const edges = Float64Array.from({ length: N_MELS + 2 }, (_, i) =>
    melToHz(i === N_MELS + 1 ? maxMel : i * step),
  );
  const firstBin = new Int32Array(N_MELS);
  const offsets = new Int32Array(N_MELS + 1);
  const weights: number[] = [];
  for (let m = 0; m < N_MELS; m++) {
    const lowerEdge = edges[m] as number;
    const centre = edges[m + 1] as number;
    const upperEdge = edges[m + 2] as number;
    const slaneyNorm = 2 / (upperEdge - lowerEdge);
    const dense = new Float32Array(N_BINS);
    let first = N_BINS;
    let last = -1;
    for (let k = 0; k < N_BINS; k++) {
      const f = (k * SAMPLE_RATE) / N_FFT;
      const rising = (f - lowerEdge) / (centre - lowerEdge);
      const falling = (upperEdge - f) / (upperEdge - centre);
      // librosa stores the triangle in float32, then scales it by the Slaney norm in place.
      const weight = Math.fround(Math.fround(Math.max(0, Math.min(rising, falling))) * slaneyNorm);
      dense[k] = weight;
      if (weight > 0) {
        first = Math.min(first, k);
        last = k;
      }
    }
    firstBin[m] = first;
    weights.push(...dense.subarray(first, last + 1));
    offsets[m + 1] = weights.length;
  }
  return { firstBin, offsets, weights: Float32Array.from(weights) };
}

let melFilterbank: MelFilterbank | undefined;

/**
 * librosa.power_to_db(librosa.feature.melspectrogram(y), ref=1, amin=1e-10, top_db=80) from the
 * power spectrogram: the log-mel spectrogram both librosa.feature.mfcc and librosa.onset's
 * onset_strength compute (same mel defaults, fmax=sr/2), so it is computed once. Frame-major:
 * band m of frame t at t * N_MELS + m. The 80 dB floor is relative to the loudest cell of the
 * whole clip, as in librosa.
 */
export function melSpectrogramDb(power: Float32Array, nFrames: number): Float32Array {
  melFilterbank ??= buildMelFilterbank();
  const { firstBin, offsets, weights } = melFilterbank;
  const db = new Float32Array(nFrames * N_MELS);
  let max = Number.NEGATIVE_INFINITY;
  for (let t = 0; t < nFrames; t++) {
    const bins = t * N_BINS;
    for (let m = 0; m < N_MELS; m++) {
      const end = offsets[m + 1] as number;
      let bin = bins + (firstBin[m] as number);
      let energy = 0;
      for (let j = offsets[m] as number; j < end; j++, bin++)
        energy += (weights[j] as number) * (power[bin] as number);
      const value = 10 * Math.log10(Math.max(AMIN, energy));
      db[t * N_MELS + m] = value;
      if (value > max) max = value;
    }
  }
  const floor = Math.fround(Math.fround(max) - TOP_DB);
  for (let i = 0; i < db.length; i++) if ((db[i] as number) < floor) db[i] = floor;
  return db;
}

import { N_BINS, N_FFT, SAMPLE_RATE } from "./stft.js";

export const N_MELS = 128;

/** power_to_db defaults: ref=1.0, amin=1e-10, top_db=80. */
const AMIN = 1e-10;
const TOP_DB = 80;

/**
 * A mel filterbank in packed sparse rows: band m weighs bins firstBin[m] onwards with
 * weights[offsets[m] .. offsets[m + 1]). Each band is non-zero on a short run of bins, so the
 * projection costs ~2 multiply-adds per spectrum bin instead of one per band.
 */
export interface MelFilterbank {
  nMels: number;
  firstBin: Int32Array;
  offsets: Int32Array;
  weights: Float32Array;
}

/** Packs dense float32 bands (`bands[m][k]` = weight of bin k in band m) into a MelFilterbank. */
export function sparseFilterbank(bands: Float32Array[]): MelFilterbank {
  const nMels = bands.length;
  const firstBin = new Int32Array(nMels);
  const offsets = new Int32Array(nMels + 1);
  const weights: number[] = [];
  for (const [m, dense] of bands.entries()) {
    let first = dense.length;
    let last = -1;
    for (let k = 0; k < dense.length; k++) {
      if ((dense[k] as number) > 0) {
        first = Math.min(first, k);
        last = k;
      }
    }
    firstBin[m] = first;
    weights.push(...dense.subarray(first, last + 1));
    offsets[m + 1] = weights.length;
  }
  return { nMels, firstBin, offsets, weights: Float32Array.from(weights) };
}

/**
 * Band energies of one spectrum frame (`spectrum[from …]`, bins in order) into
 * `out[to … to + nMels)`, summed in float64 and stored as the output's type rounds them.
 */
export function projectMel(
  filterbank: MelFilterbank,
  spectrum: Float32Array,
  from: number,
  out: Float32Array | Float64Array,
  to: number,
): void {
  const { nMels, firstBin, offsets, weights } = filterbank;
  for (let m = 0; m < nMels; m++) {
    const end = offsets[m + 1] as number;
    let bin = from + (firstBin[m] as number);
    let energy = 0;
    for (let j = offsets[m] as number; j < end; j++, bin++)
      energy += (weights[j] as number) * (spectrum[bin] as number);
    out[to + m] = energy;
  }
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
 * librosa.filters.mel(sr, n_fft, n_mels, fmin=0, fmax=sr/2, htk=False, norm="slaney"), float32
 * like librosa's: triangles between Slaney-scale band edges, each scaled to unit area.
 */
export function slaneyMelFilterbank(sampleRate: number, nFft: number, nMels: number): MelFilterbank {
  const nBins = nFft / 2 + 1;
  const maxMel = hzToMel(sampleRate / 2);
  const step = maxMel / (nMels + 1); // np.linspace(min_mel=0, max_mel, n_mels + 2)
  const edges = Float64Array.from({ length: nMels + 2 }, (_, i) =>
    melToHz(i === nMels + 1 ? maxMel : i * step),
  );
  const bands = Array.from({ length: nMels }, (_, m) => {
    const lowerEdge = edges[m] as number;
    const centre = edges[m + 1] as number;
    const upperEdge = edges[m + 2] as number;
    const slaneyNorm = 2 / (upperEdge - lowerEdge);
    return Float32Array.from({ length: nBins }, (_, k) => {
      const f = (k * sampleRate) / nFft;
      const rising = (f - lowerEdge) / (centre - lowerEdge);
      const falling = (upperEdge - f) / (upperEdge - centre);
      // librosa stores the triangle in float32, then scales it by the Slaney norm in place.
      return Math.fround(Math.max(0, Math.min(rising, falling))) * slaneyNorm;
    });
  });
  return sparseFilterbank(bands);
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
  melFilterbank ??= slaneyMelFilterbank(SAMPLE_RATE, N_FFT, N_MELS);
  const db = new Float32Array(nFrames * N_MELS);
  const energies = new Float64Array(N_MELS);
  let max = Number.NEGATIVE_INFINITY;
  for (let t = 0; t < nFrames; t++) {
    projectMel(melFilterbank, power, t * N_BINS, energies, 0);
    for (let m = 0; m < N_MELS; m++) {
      const value = 10 * Math.log10(Math.max(AMIN, energies[m] as number));
      db[t * N_MELS + m] = value;
      if (value > max) max = value;
    }
  }
  const floor = Math.fround(Math.fround(max) - TOP_DB);
  for (let i = 0; i < db.length; i++) if ((db[i] as number) < floor) db[i] = floor;
  return db;
}

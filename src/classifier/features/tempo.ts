import { realFft } from "../../audio/index.js";
import { N_MELS } from "./mel.js";
import { HOP_LENGTH, hannWindow, N_FFT, SAMPLE_RATE } from "./stft.js";

/** librosa.beat.tempo defaults. */
const START_BPM = 120;
const STD_BPM = 1;
const MAX_TEMPO = 320;
/** ac_size=8 s in frames: librosa.time_to_frames(8.0) = floor(8 · 22050 / 512). */
const AC_FRAMES = Math.floor((8 * SAMPLE_RATE) / HOP_LENGTH);
/** Power of two ≥ 2·AC_FRAMES − 1, so the FFT autocorrelation has no circular wrap-around. */
const AC_FFT = 2 ** Math.ceil(Math.log2(2 * AC_FRAMES - 1));
/** onset_strength(center=True) shifts by lag + n_fft // (2 · hop) frames. */
const ONSET_DELAY = 1 + Math.floor(N_FFT / (2 * HOP_LENGTH));

/**
 * librosa.onset.onset_strength(y, sr=22050) from the log-mel spectrogram it shares with the MFCCs
 * (melspectrogram power 2, power_to_db defaults): the mean over mel bands of the positive dB rise
 * from the previous frame (lag 1, max_size 1), delayed by ONSET_DELAY frames, float32.
 */
export function onsetStrength(melDb: Float32Array, nFrames: number): Float32Array {
  const onset = new Float32Array(nFrames);
  for (let t = ONSET_DELAY; t < nFrames; t++) {
    const current = (t - ONSET_DELAY + 1) * N_MELS;
    const previous = current - N_MELS;
    let sum = 0;
    for (let m = 0; m < N_MELS; m++) {
      const rise = Math.fround((melDb[current + m] as number) - (melDb[previous + m] as number));
      if (rise > 0) sum += rise;
    }
    onset[t] = sum / N_MELS;
  }
  return onset;
}

/** Tempo (BPM) of autocorrelation lag `lag` frames: librosa.tempo_frequencies. */
function lagToBpm(lag: number): number {
  return (60 * SAMPLE_RATE) / (HOP_LENGTH * lag);
}

/**
 * librosa.beat.tempo(onset_envelope, sr=22050, hop_length=512) with its defaults: the
 * autocorrelation tempogram (librosa.feature.tempogram: 8 s Hann-windowed frames of the onset
 * envelope, centred with linear ramps to zero, each autocorrelation scaled to max 1), averaged
 * over frames, weighted by a log-normal prior around 120 BPM (σ = 1 octave), lags faster than
 * 320 BPM excluded; returns the BPM of the best lag.
 */
export function estimateTempo(onset: Float32Array): number {
  const n = onset.length;
  const half = Math.floor(AC_FRAMES / 2);
  // np.pad(mode="linear_ramp", end_values=0), in float32 like the envelope.
  const padded = new Float32Array(n + 2 * half);
  padded.set(onset, half);
  const first = onset[0] as number;
  const last = onset[n - 1] as number;
  for (let i = 0; i < half; i++) {
    padded[i] = i * (first / half);
    padded[n + 2 * half - 1 - i] = i * (last / half);
  }
  const window = hannWindow(AC_FRAMES);
  const fft = realFft(AC_FFT);
  const bins = AC_FFT / 2 + 1;
  // Two frames per transform (one per SIMD lane of the FFT).
  const frames = [new Float64Array(AC_FFT), new Float64Array(AC_FFT)] as const;
  const powers = [new Float64Array(AC_FFT), new Float64Array(AC_FFT)] as const;
  const re = new Float64Array(2 * bins);
  const im = new Float64Array(2 * bins);
  const meanTempogram = new Float64Array(AC_FRAMES);
  for (let t = 0; t < n; t += 2) {
    const count = Math.min(2, n - t);
    for (let j = 0; j < count; j++) {
      const frame = frames[j] as Float64Array;
      for (let i = 0; i < AC_FRAMES; i++) frame[i] = (padded[t + j + i] as number) * (window[i] as number);
    }
    fft.forwardPair(frames[0], count === 2 ? frames[1] : undefined, re, im, 0, bins);
    for (let j = 0; j < count; j++) {
      const power = powers[j] as Float64Array;
      for (let k = 0; k < bins; k++) {
        const p = (re[j * bins + k] as number) ** 2 + (im[j * bins + k] as number) ** 2;
        power[k] = p;
        if (k > 0 && k < AC_FFT / 2) power[AC_FFT - k] = p;
      }
    }
    // The power spectrum is real and even, so its forward transform is the (unscaled) autocorrelation.
    fft.forwardPair(powers[0], count === 2 ? powers[1] : undefined, re, im, 0, bins);
    for (let j = 0; j < count; j++) {
      // util.normalize(norm=inf): lag 0 is the largest; an all-zero frame stays zero.
      const peak = re[j * bins] as number;
      if (!(peak > 0)) continue;
      const scale = 1 / peak;
      for (let lag = 0; lag < AC_FRAMES; lag++) {
        meanTempogram[lag] = (meanTempogram[lag] as number) + (re[j * bins + lag] as number) * scale;
      }
    }
  }
  let bestLag = -1;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let lag = 1; lag < AC_FRAMES; lag++) {
    const bpm = lagToBpm(lag);
    if (bpm >= MAX_TEMPO) continue;
    const logPrior = -0.5 * ((Math.log2(bpm) - Math.log2(START_BPM)) / STD_BPM) ** 2;
    const score = Math.log1p(1e6 * ((meanTempogram[lag] as number) / n)) + logPrior;
    if (score > bestScore) {
      bestScore = score;
      bestLag = lag;
    }
  }
  return lagToBpm(bestLag);
}

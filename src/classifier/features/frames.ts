import { UserFacingError } from "../../errors.js";
import { chromagram, N_CHROMA } from "./chroma.js";
import { hpssWaveforms } from "./hpss.js";
import { melSpectrogramDb } from "./mel.js";
import { mfcc } from "./mfcc.js";
import type { FeatureName } from "./names.js";
import { rmsFrames } from "./rms.js";
import { spectralShape } from "./spectral.js";
import { type MeanVariance, meanVariance } from "./stats.js";
import {
  frameCount,
  HOP_LENGTH,
  magnitudeSpectrogram,
  N_FFT,
  powerSpectrogram,
  SAMPLE_RATE,
  stft,
} from "./stft.js";
import { estimateTempo, onsetStrength } from "./tempo.js";
import { zeroCrossingRate } from "./zcr.js";

/** Stages timed by `analyzeFrames` and `summarizeFrames`, in the order they run. */
export const FEATURE_STAGES = ["stft", "rest", "mfcc", "hpss", "summary"] as const;
export type FeatureStage = (typeof FEATURE_STAGES)[number];
export type StageTimings = Record<FeatureStage, number>;

/**
 * Everything the 57 features summarise, per STFT frame (or per sample for the HPSS waveforms) of
 * one whole clip. Frame t is centred on sample t · HOP_LENGTH.
 */
export interface FrameFeatures {
  sampleCount: number;
  nFrames: number;
  /** librosa.feature.chroma_stft, frame-major: N_CHROMA values per frame. */
  chroma: Float64Array;
  rms: Float64Array;
  centroid: Float64Array;
  bandwidth: Float64Array;
  rolloff: Float64Array;
  zcr: Float64Array;
  /** One array over frames per MFCC. */
  mfcc: Float64Array[];
  /** librosa.onset.onset_strength, the input of the tempo estimate. */
  onset: Float32Array;
  /** The waveforms of librosa.effects.hpss(y), sample by sample. */
  harmonic: Float64Array;
  percussive: Float64Array;
}

/** A span of the clip in samples, [start, end). */
export interface SampleRange {
  start: number;
  end: number;
}

/**
 * Adds the CPU milliseconds of this process since the previous lap to `timings[stage]`, when
 * timings are wanted: CPU time is the fair figure on a shared machine, where wall time also
 * counts the time other processes hold the cores.
 */
function stopwatch(timings: StageTimings | undefined): (stage: FeatureStage) => void {
  if (!timings) return () => {};
  let clock = process.cpuUsage();
  return (stage) => {
    const now = process.cpuUsage();
    timings[stage] += (now.user - clock.user + now.system - clock.system) / 1000;
    clock = now;
  };
}

/**
 * The frame-level pass over a whole clip (mono float, 22050 Hz): one STFT feeds every spectral
 * feature and the HPSS; the log-mel spectrogram is shared by the MFCCs and the onset envelope.
 * Pass `timings` (zeroed) to receive CPU milliseconds per stage. Throws a UserFacingError for audio
 * too short to frame or containing non-finite samples.
 */
export function analyzeFrames(samples: Float32Array, timings?: StageTimings): FrameFeatures {
  checkSamples(samples);
  const lap = stopwatch(timings);
  const spectrum = stft(samples);
  const { nFrames } = spectrum;
  const magnitude = magnitudeSpectrogram(spectrum);
  const power = powerSpectrogram(magnitude);
  lap("stft");

  const chroma = chromagram(power, nFrames);
  const rms = rmsFrames(samples);
  const { centroid, bandwidth, rolloff } = spectralShape(magnitude, nFrames);
  const zcr = zeroCrossingRate(samples);
  lap("rest");

  const melDb = melSpectrogramDb(power, nFrames);
  const coefficients = mfcc(melDb, nFrames);
  const onset = onsetStrength(melDb, nFrames);
  lap("mfcc");

  const { harmonic, percussive } = hpssWaveforms(samples, spectrum, magnitude);
  lap("hpss");
  return {
    sampleCount: samples.length,
    nFrames,
    chroma,
    rms,
    centroid,
    bandwidth,
    rolloff,
    zcr,
    mfcc: coefficients,
    onset,
    harmonic,
    percussive,
  };
}

/**
 * The features `names` over `range` of the clip (default: all of it) as librosa's means and
 * variances over frames (over samples for the HPSS waveforms) and its tempo. Over the whole clip
 * the values are exactly those of the features computed on the clip. Over a shorter range they
 * are a rough picture of that part, not what librosa would compute on the cut audio: frames are
 * those of the whole clip nearest the range (the cut's edge frames would see zero padding
 * instead of the neighbouring audio), and the chroma tuning, the 80 dB log-mel floor and the HPSS
 * medians come from the whole clip. Tempo, the one costly summary (a tempogram over the range's
 * onset envelope), is only estimated when asked for.
 */
export function summarizeFrames<N extends FeatureName>(
  frames: FrameFeatures,
  names: readonly N[],
  range: SampleRange = { start: 0, end: frames.sampleCount },
  timings?: StageTimings,
): Record<N, number> {
  const lap = stopwatch(timings);
  const first = Math.round(range.start / HOP_LENGTH);
  const end = Math.min(frames.nFrames, first + frameCount(range.end - range.start));
  const over = (values: Float64Array) => meanVariance(values.subarray(first, end));
  const all: Partial<Record<FeatureName, number>> = {};
  const put = (prefix: string, { mean, variance }: MeanVariance) => {
    all[`${prefix}_mean` as FeatureName] = mean;
    all[`${prefix}_var` as FeatureName] = variance;
  };
  put("chroma_stft", meanVariance(frames.chroma.subarray(first * N_CHROMA, end * N_CHROMA)));
  put("rms", over(frames.rms));
  put("spectral_centroid", over(frames.centroid));
  put("spectral_bandwidth", over(frames.bandwidth));
  put("rolloff", over(frames.rolloff));
  put("zero_crossing_rate", over(frames.zcr));
  put("harmony", meanVariance(frames.harmonic.subarray(range.start, range.end)));
  put("perceptr", meanVariance(frames.percussive.subarray(range.start, range.end)));
  if ((names as readonly FeatureName[]).includes("tempo"))
    all.tempo = estimateTempo(frames.onset.subarray(first, end));
  for (const [i, coefficient] of frames.mfcc.entries()) put(`mfcc${i + 1}`, over(coefficient));
  const picked = {} as Record<N, number>;
  for (const name of names) picked[name] = all[name] as number;
  lap("summary");
  return picked;
}

function checkSamples(samples: Float32Array): void {
  if (samples.length < N_FFT) {
    const ms = Math.ceil((N_FFT / SAMPLE_RATE) * 1000);
    throw new UserFacingError(
      "audio-too-short",
      `That audio is too short to analyse: it needs at least ${ms} ms of sound.`,
    );
  }
  for (let i = 0; i < samples.length; i++) {
    if (!Number.isFinite(samples[i] as number)) {
      throw new UserFacingError(
        "audio-corrupt",
        "That audio could not be analysed: it contains invalid samples.",
      );
    }
  }
}

import { UserFacingError } from "../../errors.js";
import { chromaStats } from "./chroma.js";
import { hpssStats } from "./hpss.js";
import { melSpectrogramDb } from "./mel.js";
import { mfccStats } from "./mfcc.js";
import { rmsFrames } from "./rms.js";
import { spectralShape } from "./spectral.js";
import { meanVariance } from "./stats.js";
import { magnitudeSpectrogram, N_FFT, powerSpectrogram, SAMPLE_RATE, stft } from "./stft.js";
import { estimateTempo, onsetStrength } from "./tempo.js";
import { zeroCrossingRate } from "./zcr.js";

/** The 57 feature columns of the GTZAN features_30_sec.csv table, in its order. */
export const FEATURE_NAMES = [
  "chroma_stft_mean",
  "chroma_stft_var",
  "rms_mean",
  "rms_var",
  "spectral_centroid_mean",
  "spectral_centroid_var",
  "spectral_bandwidth_mean",
  "spectral_bandwidth_var",
  "rolloff_mean",
  "rolloff_var",
  "zero_crossing_rate_mean",
  "zero_crossing_rate_var",
  "harmony_mean",
  "harmony_var",
  "perceptr_mean",
  "perceptr_var",
  "tempo",
  "mfcc1_mean",
  "mfcc1_var",
  "mfcc2_mean",
  "mfcc2_var",
  "mfcc3_mean",
  "mfcc3_var",
  "mfcc4_mean",
  "mfcc4_var",
  "mfcc5_mean",
  "mfcc5_var",
  "mfcc6_mean",
  "mfcc6_var",
  "mfcc7_mean",
  "mfcc7_var",
  "mfcc8_mean",
  "mfcc8_var",
  "mfcc9_mean",
  "mfcc9_var",
  "mfcc10_mean",
  "mfcc10_var",
  "mfcc11_mean",
  "mfcc11_var",
  "mfcc12_mean",
  "mfcc12_var",
  "mfcc13_mean",
  "mfcc13_var",
  "mfcc14_mean",
  "mfcc14_var",
  "mfcc15_mean",
  "mfcc15_var",
  "mfcc16_mean",
  "mfcc16_var",
  "mfcc17_mean",
  "mfcc17_var",
  "mfcc18_mean",
  "mfcc18_var",
  "mfcc19_mean",
  "mfcc19_var",
  "mfcc20_mean",
  "mfcc20_var",
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

/** Stages timed by `extractFeatures(samples, timings)`, in the order they run. */
export const FEATURE_STAGES = ["stft", "rest", "mfcc", "tempo", "hpss"] as const;
export type FeatureStage = (typeof FEATURE_STAGES)[number];
export type StageTimings = Record<FeatureStage, number>;

/**
 * The 57 features librosa computes with its defaults for the GTZAN table, from mono float audio at
 * 22050 Hz. One STFT feeds every spectral feature; the log-mel spectrogram is shared by the MFCCs
 * and the onset envelope behind the tempo. Pass `timings` to receive milliseconds per stage.
 * Throws a UserFacingError for audio too short to frame or containing non-finite samples.
 */
export function extractFeatures(samples: Float32Array, timings?: StageTimings): Record<FeatureName, number> {
  checkSamples(samples);
  let clock = performance.now();
  const lap = (stage: FeatureStage) => {
    const now = performance.now();
    if (timings) timings[stage] = now - clock;
    clock = now;
  };

  const spectrum = stft(samples);
  const { nFrames } = spectrum;
  const magnitude = magnitudeSpectrogram(spectrum);
  const power = powerSpectrogram(magnitude);
  lap("stft");

  const chroma = chromaStats(power, nFrames);
  const rms = meanVariance(rmsFrames(samples));
  const shape = spectralShape(magnitude, nFrames);
  const centroid = meanVariance(shape.centroid);
  const bandwidth = meanVariance(shape.bandwidth);
  const rolloff = meanVariance(shape.rolloff);
  const zcr = meanVariance(zeroCrossingRate(samples));
  lap("rest");

  const melDb = melSpectrogramDb(power, nFrames);
  const mfcc = mfccStats(melDb, nFrames);
  lap("mfcc");

  const tempo = estimateTempo(onsetStrength(melDb, nFrames));
  lap("tempo");

  const { harmonic, percussive } = hpssStats(samples, spectrum, magnitude);
  lap("hpss");

  const features: Partial<Record<FeatureName, number>> = {
    chroma_stft_mean: chroma.mean,
    chroma_stft_var: chroma.variance,
    rms_mean: rms.mean,
    rms_var: rms.variance,
    spectral_centroid_mean: centroid.mean,
    spectral_centroid_var: centroid.variance,
    spectral_bandwidth_mean: bandwidth.mean,
    spectral_bandwidth_var: bandwidth.variance,
    rolloff_mean: rolloff.mean,
    rolloff_var: rolloff.variance,
    zero_crossing_rate_mean: zcr.mean,
    zero_crossing_rate_var: zcr.variance,
    harmony_mean: harmonic.mean,
    harmony_var: harmonic.variance,
    perceptr_mean: percussive.mean,
    perceptr_var: percussive.variance,
    tempo,
  };
  mfcc.forEach(({ mean, variance }, i) => {
    features[`mfcc${i + 1}_mean` as FeatureName] = mean;
    features[`mfcc${i + 1}_var` as FeatureName] = variance;
  });
  return features as Record<FeatureName, number>;
}

/** The features as a vector in FEATURE_NAMES (CSV) order, the layout the model is trained on. */
export function featureVector(features: Record<FeatureName, number>): Float32Array {
  return Float32Array.from(FEATURE_NAMES, (name) => features[name]);
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

import { analyzeFrames, type StageTimings, summarizeFrames } from "./frames.js";
import { FEATURE_NAMES, type FeatureName } from "./names.js";

/**
 * The 57 features librosa computes with its defaults for the GTZAN table, from mono float audio at
 * 22050 Hz: the frame-level pass over the clip, summarised over all of it. Pass `timings`
 * (zeroed) to receive milliseconds per stage. Throws a UserFacingError for audio too short to
 * frame or containing non-finite samples.
 */
export function extractFeatures(samples: Float32Array, timings?: StageTimings): Record<FeatureName, number> {
  return summarizeFrames(analyzeFrames(samples, timings), FEATURE_NAMES, undefined, timings);
}

/** The features as a vector in FEATURE_NAMES (CSV) order, the layout the model is trained on. */
export function featureVector(features: Record<FeatureName, number>): Float32Array {
  return Float32Array.from(FEATURE_NAMES, (name) => features[name]);
}

export { extractFeatures, featureVector } from "./extract.js";
export {
  analyzeFrames,
  FEATURE_STAGES,
  type FeatureStage,
  type FrameFeatures,
  type SampleRange,
  type StageTimings,
  summarizeFrames,
} from "./frames.js";
export { FEATURE_NAMES, type FeatureName, isFeatureName } from "./names.js";

/** The one analysis core every command and CLI path uses, and the model code training builds on. */
export { analyzeAudio } from "./analyze.js";
export { extractFeatures, FEATURE_NAMES, type FeatureName } from "./features/index.js";
export { musicnnPatches, yamnetPatches } from "./frontends/index.js";
export { notableTags } from "./hearing.js";
export {
  blockNames,
  expertB,
  fuseGated,
  type GatedFusion,
  type GenreMapping,
  geometricMeans,
  type HeardBlock,
  type HeardModel,
  headClipProbabilities,
  headProbabilities,
  headRecords,
  heardRecord,
  type LinearHead,
  mappedEvidence,
  type PretrainedOutputs,
  pool,
} from "./model/heard.js";
export { buildNetwork, type NetworkConfig, runNetwork, trainNetwork } from "./model/network.js";
export { seededRandom, shuffledIndices } from "./model/rng.js";
export { applyScaler, type FeatureRecord, fitScaler, type Scaler } from "./model/scaler.js";
export { loadGenreModel, saveGenreModel } from "./model/store.js";
export { NotMusicError } from "./not-music.js";
export { createAnalyzerPool } from "./pool.js";
export { PRETRAINED_DIR } from "./pretrained/files.js";
export { musicnnTagNames, runMusicnn, runYamnet, yamnetClassNames } from "./pretrained/index.js";
export {
  embeddingSize,
  SIMILARITY_TRANSFORM_FILE,
  type SimilarityTransform,
  similarityEmbedding,
} from "./similarity/index.js";
export { loadTf, type Tf } from "./tf.js";
export type {
  Analysis,
  AnalyzerPool,
  GenreScore,
  MusicJudgement,
  PatchPicture,
  TagScore,
  TimelineWindow,
} from "./types.js";

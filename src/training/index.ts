/** Offline work: training, evaluation and their datasets. Used by the CLI, never by the bot. */
export { featuresOfAudioFiles } from "./dataset/audio-features.js";
export { readFeatureCsv } from "./dataset/csv.js";
export { listLabelFolders } from "./dataset/label-folders.js";
export { evaluationSvg } from "./evaluation/chart.js";
export { type Evaluation, evaluatePredictions } from "./evaluation/metrics.js";
export { trainOnLabelFolders } from "./folders.js";
export { type EmotifySource, trainShippedModel } from "./shipped.js";

/** The one analysis core every command and CLI path uses. */
export { analyzeAudio } from "./analyze.js";
export { readInputFile, UnreadableFileError } from "./input-file.js";
export { loadGenreModel } from "./model/store.js";
export { createAnalyzerPool } from "./pool.js";
export type { Analysis, AnalyzerPool, GenreScore, TimelineWindow } from "./types.js";

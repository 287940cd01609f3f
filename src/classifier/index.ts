/** The one analysis core every command and CLI path uses. */
export { loadGenreModel } from "./model/store.js";
export type { Analysis, AnalyzerPool, GenreScore, TimelineWindow } from "./types.js";

/** The one service every command and CLI path uses: find a track, hear it, remember it. */

export { describeSources, openServices } from "./open.js";
export {
  type AnalyzedTrack,
  type BulkPacing,
  checkTrackQuery,
  createTrackService,
  fileTrackId,
  type IndexProgress,
  notSavedSentence,
  type TrackQuery,
  type TrackService,
  type TrackServiceDeps,
} from "./track-service.js";

/** Spotify search and metadata (audio comes from src/previews). */
export {
  type Collection,
  type CollectionProgress,
  createSpotify,
  type SpotifyClient,
  type SpotifyOptions,
  type TrackFinder,
} from "./client.js";
export { looksLikeLink, parseSpotifyLink, type SpotifyLink, type SpotifyLinkKind } from "./links.js";
export { isSameRecording, notFoundOn, searchableTitle, searchTerms, unquote } from "./match.js";
export type { Preview, PreviewSource, Track } from "./types.js";

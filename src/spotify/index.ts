/** Spotify search and metadata, and safe preview download from Spotify, Deezer or iTunes. */
export {
  type Collection,
  type CollectionProgress,
  createSpotify,
  type SpotifyClient,
  type SpotifyOptions,
} from "./client.js";
export { fetchAudio, fetchJson, type HttpOptions, MAX_PREVIEW_BYTES } from "./download.js";
export { ALLOWED_HOSTS, isAllowedHost, type Provider } from "./hosts.js";
export { parseSpotifyLink, type SpotifyLink, type SpotifyLinkKind } from "./links.js";
export { createPreviewResolver, type PreviewResolver, type PreviewResolverOptions } from "./previews.js";
export { RateLimitedError } from "./retry.js";
export type { Preview, PreviewSource, Track } from "./types.js";

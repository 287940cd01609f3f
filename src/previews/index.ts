/** A playable 30-second preview for a Spotify track: Deezer by ISRC, then Deezer search, then iTunes. */

export {
  createDeezerFinder,
  type DeezerFinderOptions,
  deezerIdOf,
  NO_SPOTIFY_ACCESS,
  parseDeezerLink,
} from "./deezer-finder.js";
export { createPreviewResolver, type PreviewResolver, type PreviewResolverOptions } from "./resolver.js";

/** A playable 30-second preview for a Spotify track: Deezer by ISRC, then Deezer search, then iTunes. */
export { createPreviewResolver, type PreviewResolver, type PreviewResolverOptions } from "./resolver.js";

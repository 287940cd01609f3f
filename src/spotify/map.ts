import type { Track } from "./types.js";

/** Preferred artwork width: big enough for a Discord embed thumbnail, small enough to load fast. */
const ARTWORK_WIDTH = 300;

interface AlbumContext {
  name: string;
  release_date?: string;
  images?: SpotifyApi.ImageObject[];
}

/** A Spotify track object (full, or simplified plus its album) as genrebot's Track. */
export function toTrack(
  track: SpotifyApi.TrackObjectSimplified & { external_ids?: { isrc?: string } },
  album: AlbumContext,
): Track {
  const year = Number.parseInt(album.release_date?.slice(0, 4) ?? "", 10);
  const artworkUrl = pickArtwork(album.images ?? []);
  return {
    id: track.id,
    title: track.name,
    artists: track.artists.map((artist) => artist.name),
    album: album.name,
    ...(Number.isFinite(year) ? { year } : {}),
    durationMs: track.duration_ms,
    ...(track.external_ids?.isrc ? { isrc: track.external_ids.isrc } : {}),
    ...(artworkUrl ? { artworkUrl } : {}),
    spotifyUrl: track.external_urls?.spotify ?? `https://open.spotify.com/track/${track.id}`,
    ...(track.preview_url ? { previewUrl: track.preview_url } : {}),
  };
}

export function toFullTrack(track: SpotifyApi.TrackObjectFull): Track {
  return toTrack(track, track.album);
}

/** The smallest image at least ARTWORK_WIDTH wide, else the largest there is. */
function pickArtwork(images: SpotifyApi.ImageObject[]): string | undefined {
  const byWidth = [...images].sort((a, b) => (a.width ?? 0) - (b.width ?? 0));
  return (byWidth.find((image) => (image.width ?? 0) >= ARTWORK_WIDTH) ?? byWidth.at(-1))?.url;
}

/**
 * A song as a metadata service describes it (Spotify, or Deezer when the bot has no Spotify access):
 * what genrebot shows and the keys it uses to find audio.
 */
export interface Track {
  /** A Spotify id, or `deezer:<number>` for a track found on Deezer. */
  id: string;
  title: string;
  artists: string[];
  album: string;
  year?: number;
  durationMs: number;
  isrc?: string;
  artworkUrl?: string;
  /** The track's page: on Spotify for Spotify tracks, on Deezer for Deezer ones. */
  spotifyUrl?: string;
  deezerUrl?: string;
  /** Deezer's own id, so its preview is fetched directly instead of matched by search. */
  deezerId?: number;
  /** Almost always absent: Spotify stopped serving previews to new apps in Nov 2024. */
  previewUrl?: string;
}

export type PreviewSource = "spotify" | "deezer" | "itunes";

/** The audio of a 30-second preview and where it came from (shown to users, kept in the catalog). */
export interface Preview {
  bytes: Uint8Array;
  source: PreviewSource;
  url: string;
}

/** A song as Spotify describes it: the metadata genrebot shows and the keys it uses to find audio. */
export interface Track {
  id: string;
  title: string;
  artists: string[];
  album: string;
  year?: number;
  durationMs: number;
  isrc?: string;
  artworkUrl?: string;
  spotifyUrl: string;
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

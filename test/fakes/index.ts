import path from "node:path";
import { addFakeDeezer, type FakeDeezerTrack } from "./deezer.js";
import { type FakeHttps, sendFile, startFakeHttps } from "./https.js";
import { addFakeItunes, type FakeItunesSong } from "./itunes.js";
import {
  addFakeSpotify,
  type FakePlaylistEntry,
  type FakeSpotify,
  type FakeSpotifyTrack,
} from "./spotify.js";

/**
 * The fake internet for tests: Spotify (accounts + Web API + p.scdn.co previews), Deezer (API +
 * preview CDN) and iTunes (search + preview host) on one HTTPS server at 127.0.0.1, reached through
 * the real hostnames. Production code runs unchanged; pass `dispatcher` to anything that uses
 * undici and call `installGlobalHttpsAgent()` before creating the Spotify client.
 *
 *   const internet = await startFakeInternet({ songs: [song] });
 *   const restore = internet.installGlobalHttpsAgent();
 *   const spotify = createSpotify({ ...internet.credentials });
 *   const previews = createPreviewResolver({ dispatcher: internet.dispatcher });
 *   … restore(); await internet.close();
 */

export type { Fault, RecordedCall } from "./https.js";
export type { FakePlaylistEntry } from "./spotify.js";

/** One song as the three services know it. Leave a service out and it doesn't have the song. */
export interface FakeSong {
  /** 22 base-62 characters, e.g. from `fakeSpotifyId(1)`. */
  spotifyId: string;
  title: string;
  artists: string[];
  album?: string;
  releaseDate?: string;
  durationMs: number;
  isrc?: string;
  /** Audio file served as Spotify's own preview_url (only old apps still get one). */
  spotifyPreviewFile?: string;
  /** Deezer's copy; title/artist/duration/ISRC default to the Spotify ones (`isrc: null`: Deezer lacks it). */
  deezer?: {
    id: number;
    previewFile?: string;
    title?: string;
    artist?: string;
    durationSeconds?: number;
    isrc?: string | null;
  };
  itunes?: {
    trackId: number;
    previewFile: string;
    trackName?: string;
    artistName?: string;
    trackTimeMillis?: number;
  };
}

export interface FakeInternetOptions {
  songs?: FakeSong[];
  playlists?: Array<{ id: string; name: string; entries: FakePlaylistEntry[] }>;
  albums?: Array<{ id: string; name: string; releaseDate?: string; trackIds: string[] }>;
  tokenLifetimeSeconds?: number;
  /** The Spotify app has Extended Quota Mode: playlists' items can be read (see fakes/spotify.ts). */
  extendedQuota?: boolean;
}

export interface FakeInternet extends Omit<FakeHttps, "route"> {
  credentials: { clientId: string; clientSecret: string };
  spotify: FakeSpotify;
}

/** Real 30-second MP3 clips to serve as previews. */
export const EMOTIFY_DIR = path.resolve(import.meta.dirname, "../../../shared/data/emotify");
export function emotifyClip(genre: "classical" | "electronic" | "pop" | "rock", id: number): string {
  return path.join(EMOTIFY_DIR, genre, `${id}.mp3`);
}

/** A valid-looking Spotify id (22 base-62 characters) derived from a number. */
export function fakeSpotifyId(seed: number, prefix = "fake"): string {
  return `${prefix}${seed}`.padEnd(22, "X").slice(0, 22);
}

export async function startFakeInternet(options: FakeInternetOptions = {}): Promise<FakeInternet> {
  const https = await startFakeHttps();
  const songs = options.songs ?? [];
  const credentials = { clientId: "fake-client-id", clientSecret: "fake-client-secret" };

  const spotifyTracks: FakeSpotifyTrack[] = songs.map((song) => ({
    id: song.spotifyId,
    title: song.title,
    artists: song.artists,
    album: {
      id: fakeSpotifyId(songs.indexOf(song), "album"),
      name: song.album ?? song.title,
      releaseDate: song.releaseDate ?? "2016-05-20",
    },
    durationMs: song.durationMs,
    ...(song.isrc ? { isrc: song.isrc } : {}),
    ...(song.spotifyPreviewFile
      ? { previewUrl: `https://p.scdn.co/mp3-preview/${song.spotifyId}?cid=${credentials.clientId}` }
      : {}),
  }));
  const spotify = addFakeSpotify(https, {
    ...credentials,
    tracks: spotifyTracks,
    playlists: options.playlists ?? [],
    albums: (options.albums ?? []).map((album) => ({
      ...album,
      releaseDate: album.releaseDate ?? "2016-05-20",
    })),
    ...(options.tokenLifetimeSeconds ? { tokenLifetimeSeconds: options.tokenLifetimeSeconds } : {}),
    extendedQuota: options.extendedQuota ?? false,
  });

  https.route("p.scdn.co", async (_request, response, url) => {
    const file = songs.find((song) => url.pathname === `/mp3-preview/${song.spotifyId}`)?.spotifyPreviewFile;
    if (!file) {
      response.writeHead(404, { "content-type": "text/plain" }).end("Not Found");
      return;
    }
    await sendFile(response, file, "audio/mpeg");
  });

  addFakeDeezer(
    https,
    songs.flatMap((song): FakeDeezerTrack[] => {
      if (!song.deezer) return [];
      const isrc = song.deezer.isrc === null ? undefined : (song.deezer.isrc ?? song.isrc);
      return [
        {
          id: song.deezer.id,
          title: song.deezer.title ?? song.title,
          artist: song.deezer.artist ?? song.artists[0] ?? "",
          durationSeconds: song.deezer.durationSeconds ?? Math.round(song.durationMs / 1000),
          ...(isrc ? { isrc } : {}),
          ...(song.deezer.previewFile ? { previewFile: song.deezer.previewFile } : {}),
        },
      ];
    }),
  );

  addFakeItunes(
    https,
    songs.flatMap((song): FakeItunesSong[] =>
      song.itunes
        ? [
            {
              trackId: song.itunes.trackId,
              trackName: song.itunes.trackName ?? song.title,
              artistName: song.itunes.artistName ?? song.artists.join(" & "),
              trackTimeMillis: song.itunes.trackTimeMillis ?? song.durationMs,
              previewFile: song.itunes.previewFile,
            },
          ]
        : [],
    ),
  );

  const { route: _route, ...rest } = https;
  return { ...rest, credentials, spotify };
}

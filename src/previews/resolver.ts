import Keyv from "keyv";
import type { Dispatcher } from "undici";
import { UserFacingError } from "../errors.js";
import { fetchAudio, type HttpOptions } from "../http/index.js";
import { type Logger, log } from "../log.js";
import type { Preview, PreviewSource, Track } from "../spotify/index.js";
import { isSameRecording, searchableTitle } from "../spotify/index.js";
import { createDeezer, type DeezerOptions, type DeezerTrack } from "./deezer.js";
import { searchItunes } from "./itunes.js";

/**
 * Finds a 30-second preview for a Spotify track. Spotify no longer gives new apps preview URLs
 * (and its terms forbid analysing its audio), so the audio normally comes from Deezer, matched
 * by ISRC or by a careful title/artist/duration match, else from iTunes.
 */

export interface PreviewResolverOptions {
  /** Remembers which source worked per Spotify id; default in-memory. */
  cache?: Keyv;
  /** Shorthand for `http.dispatcher`. */
  dispatcher?: Dispatcher;
  http?: HttpOptions;
  deezer?: Pick<DeezerOptions, "quotaDelayMs" | "quotaRetries">;
  /** Used as given (pass a child named for this module); default: the app logger, module "previews". */
  logger?: Logger;
}

export interface PreviewResolver {
  resolve(track: Track): Promise<Preview>;
}

/**
 * What the cache keeps per track. For Deezer it is the track id, not the preview URL: Deezer's
 * URLs are signed and expire within hours, so the track is re-fetched by id to get a fresh one.
 */
export type CachedSource =
  | { source: "spotify"; url: string }
  | { source: "deezer"; deezerId: number }
  | { source: "itunes"; url: string };

const CACHE_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** Container formats audio-decode handles; iTunes previews are AAC in .m4a. */
const DECODABLE_EXTENSIONS = new Set(["mp3", "m4a"]);

export function previewCacheKey(spotifyId: string): string {
  return `preview-source:${spotifyId}`;
}

interface Found {
  preview: Preview;
  remember: CachedSource;
}

export function createPreviewResolver(options: PreviewResolverOptions = {}): PreviewResolver {
  const cache = options.cache ?? new Keyv();
  const http: HttpOptions = { ...options.http, dispatcher: options.dispatcher ?? options.http?.dispatcher };
  const deezer = createDeezer({ ...options.deezer, http });
  const logger = options.logger ?? log.child({ module: "previews" });

  async function download(url: string, source: PreviewSource, remember: CachedSource): Promise<Found> {
    const { bytes, url: finalUrl } = await fetchAudio(url, source, http);
    return { preview: { bytes, source, url: finalUrl }, remember };
  }

  async function fromDeezerTrack(hit: DeezerTrack | undefined): Promise<Found | undefined> {
    if (!hit?.preview) return undefined;
    return download(hit.preview, "deezer", { source: "deezer", deezerId: hit.id });
  }

  async function fromCache(cached: CachedSource): Promise<Found | undefined> {
    if (cached.source === "deezer") return fromDeezerTrack(await deezer.byId(cached.deezerId));
    return download(cached.url, cached.source, cached);
  }

  /** The sources in order of preference; each returns undefined when it has nothing for this track. */
  function steps(track: Track): Array<() => Promise<Found | undefined>> {
    const artist = track.artists[0] ?? "";
    const title = searchableTitle(track.title);
    return [
      // A track found on Deezer itself: its own preview, no matching needed.
      async () => (track.deezerId ? fromDeezerTrack(await deezer.byId(track.deezerId)) : undefined),
      async () =>
        track.previewUrl
          ? download(track.previewUrl, "spotify", { source: "spotify", url: track.previewUrl })
          : undefined,
      async () => (track.isrc ? fromDeezerTrack(await deezer.byIsrc(track.isrc)) : undefined),
      async () => {
        const hits = await deezer.search(artist, title);
        return fromDeezerTrack(
          hits.find(
            (hit) =>
              hit.preview &&
              isSameRecording(track, {
                title: hit.title,
                artist: hit.artist.name,
                durationMs: hit.duration * 1000,
              }),
          ),
        );
      },
      async () => {
        const songs = await searchItunes(artist, title, http);
        const song = songs.find(
          (song) =>
            DECODABLE_EXTENSIONS.has(extension(song.previewUrl)) &&
            isSameRecording(track, {
              title: song.trackName,
              artist: song.artistName,
              durationMs: song.trackTimeMillis,
            }),
        );
        return song
          ? download(song.previewUrl, "itunes", { source: "itunes", url: song.previewUrl })
          : undefined;
      },
    ];
  }

  return {
    async resolve(track) {
      const key = previewCacheKey(track.id);
      const cached = (await cache.get(key)) as CachedSource | undefined;
      if (cached) {
        try {
          const found = await fromCache(cached);
          if (found) return found.preview;
        } catch (error) {
          logger.info({ err: error, trackId: track.id }, "cached preview source failed; searching again");
        }
        await cache.delete(key);
      }
      // One source failing (down, rate-limited) should not hide a preview another source has.
      const failures: unknown[] = [];
      for (const step of steps(track)) {
        try {
          const found = await step();
          if (!found) continue;
          await cache.set(key, found.remember, CACHE_TTL_MS);
          return found.preview;
        } catch (error) {
          logger.warn({ err: error, trackId: track.id }, "preview source failed");
          failures.push(error);
        }
      }
      // Only claim "no preview" when every source answered; otherwise say what went wrong.
      if (failures.length > 0) throw failures[0];
      throw new UserFacingError(
        "no-preview",
        `No preview is available for ${track.title} by ${credit(track.artists)} — try another version of the song.`,
      );
    },
  };
}

/** "A, B and C", or the first three and how many more: a 70-artist credit is not a sentence. */
function credit(artists: string[]): string {
  if (artists.length === 0) return "an unknown artist";
  if (artists.length <= 3) return artists.join(", ");
  return `${artists.slice(0, 3).join(", ")} and ${artists.length - 3} more`;
}

function extension(url: string): string {
  try {
    return new URL(url).pathname.split(".").pop()?.toLowerCase() ?? "";
  } catch {
    return "";
  }
}

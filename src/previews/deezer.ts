import { UserFacingError } from "../errors.js";
import { fetchJson, type HttpOptions, withRetries } from "../http/index.js";
import { unquote } from "../spotify/index.js";

/**
 * Deezer's public API (no key needed). It reports errors as HTTP 200 with an `error` object, e.g.
 * `{"error":{"type":"DataException","message":"no data","code":800}}`, so every reply is inspected.
 */

export interface DeezerTrack {
  id: number;
  title: string;
  /** Seconds. */
  duration: number;
  /** Signed MP3 URL that expires; empty string when Deezer has no preview. */
  preview: string;
  artist: { name: string };
  /** Page on deezer.com. */
  link?: string;
  /** Only on `/track/{id}` replies, not in search results. */
  isrc?: string;
  album?: { title: string; cover?: string };
  /** Every credited artist (main first); only on `/track/{id}` replies. */
  contributors?: string[];
}

export interface DeezerOptions {
  http?: HttpOptions;
  /** Wait before retrying after Deezer's quota error (code 4), growing per retry. */
  quotaDelayMs?: number;
  quotaRetries?: number;
}

const API = "https://api.deezer.com";
const NO_DATA = 800;
const QUOTA_EXCEEDED = 4;
const SERVICE_BUSY = 700;

class DeezerQuotaError extends Error {}

export function createDeezer(options: DeezerOptions = {}) {
  const quotaDelayMs = options.quotaDelayMs ?? 1000;
  const policy = { retries: options.quotaRetries ?? 2, baseDelayMs: quotaDelayMs, maxRetryAfterMs: 10_000 };

  /** The reply's payload, or undefined for Deezer's "no data". */
  async function call(path: string): Promise<unknown> {
    let attempt = 0;
    return withRetries(
      async () => {
        attempt++;
        const reply = await fetchJson(`${API}${path}`, "deezer", options.http);
        const error = (reply as { error?: { code?: unknown; message?: unknown } } | null)?.error;
        if (!error) return reply;
        if (error.code === NO_DATA) return undefined;
        if (error.code === QUOTA_EXCEEDED || error.code === SERVICE_BUSY)
          throw new DeezerQuotaError(String(error.message));
        throw new UserFacingError(
          "provider-unavailable",
          "Deezer turned down genrebot's request — please try again later.",
          {
            cause: new Error(`Deezer error ${String(error.code)}: ${String(error.message)}`),
          },
        );
      },
      (error) =>
        error instanceof DeezerQuotaError
          ? { retry: true, afterMs: quotaDelayMs * attempt }
          : { retry: false },
      policy,
      "Deezer",
    );
  }

  const api = {
    async byIsrc(isrc: string): Promise<DeezerTrack | undefined> {
      return asTrack(await call(`/track/isrc:${encodeURIComponent(isrc)}`));
    },
    async byId(id: number): Promise<DeezerTrack | undefined> {
      return asTrack(await call(`/track/${id}`));
    },
    async search(artist: string, title: string): Promise<DeezerTrack[]> {
      const fields = [artist && `artist:"${unquote(artist)}"`, title && `track:"${unquote(title)}"`];
      return searchFor(fields.filter(Boolean).join(" "));
    },
    /** Deezer's forgiving free-text search, for what a member types in any order. */
    searchText: searchFor,
  };

  return api;

  async function searchFor(query: string): Promise<DeezerTrack[]> {
    const reply = (await call(`/search?q=${encodeURIComponent(query)}`)) as { data?: unknown } | undefined;
    return Array.isArray(reply?.data) ? reply.data.flatMap((item) => asTrack(item) ?? []) : [];
  }
}

export type DeezerApi = ReturnType<typeof createDeezer>;

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;

/** Deezer's JSON as a DeezerTrack, reading only the fields genrebot uses and checking each. */
function asTrack(value: unknown): DeezerTrack | undefined {
  const track = value as Record<string, unknown> | undefined;
  if (typeof track?.id !== "number" || typeof track.title !== "string") return undefined;
  const artist = track.artist as Record<string, unknown> | undefined;
  const album = track.album as Record<string, unknown> | undefined;
  const contributors = Array.isArray(track.contributors)
    ? track.contributors.flatMap((c) => text((c as Record<string, unknown> | null)?.name) ?? [])
    : [];
  const albumTitle = text(album?.title);
  const cover = text(album?.cover_medium) ?? text(album?.cover);
  return {
    id: track.id,
    title: track.title,
    duration: typeof track.duration === "number" ? track.duration : 0,
    preview: text(track.preview) ?? "",
    artist: { name: text(artist?.name) ?? "" },
    ...(text(track.link) ? { link: text(track.link) } : {}),
    ...(text(track.isrc) ? { isrc: text(track.isrc) } : {}),
    ...(albumTitle ? { album: { title: albumTitle, ...(cover ? { cover } : {}) } } : {}),
    ...(contributors.length > 0 ? { contributors } : {}),
  };
}

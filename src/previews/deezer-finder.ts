import Keyv from "keyv";
import { UserFacingError } from "../errors.js";
import type { HttpOptions } from "../http/index.js";
import { type Logger, log } from "../log.js";
import {
  looksLikeLink,
  notFoundOn,
  parseSpotifyLink,
  searchTerms,
  type Track,
  type TrackFinder,
} from "../spotify/index.js";
import { createDeezer, type DeezerTrack } from "./deezer.js";

/**
 * Deezer as the bot's search and metadata source when it has no Spotify credentials (since 2026 only
 * a Spotify Premium account can create them). Deezer's public API needs no key. Its tracks get the
 * catalog id `deezer:<number>`, so they never collide with Spotify ids.
 */

export const NO_SPOTIFY_ACCESS =
  "This bot has no Spotify access, so it can't open Spotify links — give the artist and song instead, or paste a Deezer link.";

const DEEZER_ID_PREFIX = "deezer:";
const MIN_SUGGEST_LENGTH = 2;
const SUGGEST_LIMIT = 10;
// www.deezer.com/track/1, deezer.com/en/track/1, www.deezer.com/us/track/1?utm_source=…
const TRACK_PATH = /^\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?track\/(\d{1,15})\/?$/i;

/** The Deezer track id in a deezer.com track link (with or without `<…>`), else undefined. */
export function parseDeezerLink(text: string): number | undefined {
  let url: URL;
  try {
    url = new URL(text.trim().replace(/^<(.*)>$/, "$1"));
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  if (url.hostname !== "www.deezer.com" && url.hostname !== "deezer.com") return undefined;
  const id = TRACK_PATH.exec(url.pathname)?.[1];
  return id === undefined ? undefined : Number(id);
}

/** The Deezer id inside a catalog id made by this finder. */
export function deezerIdOf(trackId: string): number | undefined {
  if (!trackId.startsWith(DEEZER_ID_PREFIX)) return undefined;
  const id = Number(trackId.slice(DEEZER_ID_PREFIX.length));
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

export function fromDeezer(hit: DeezerTrack): Track {
  const artists = hit.contributors ?? (hit.artist.name ? [hit.artist.name] : []);
  return {
    id: `${DEEZER_ID_PREFIX}${hit.id}`,
    title: hit.title,
    artists,
    album: hit.album?.title ?? "",
    durationMs: hit.duration * 1000,
    ...(hit.isrc ? { isrc: hit.isrc } : {}),
    ...(hit.album?.cover ? { artworkUrl: hit.album.cover } : {}),
    deezerUrl: `https://www.deezer.com/track/${hit.id}`,
    deezerId: hit.id,
  };
}

export interface DeezerFinderOptions {
  http?: HttpOptions;
  /** Autocomplete cache; default in-memory. */
  cache?: Keyv;
  suggestTtlMs?: number;
  /** Autocomplete answers within this even when Deezer is slow (Discord allows 3 s). */
  suggestDeadlineMs?: number;
  logger?: Logger;
}

export function createDeezerFinder(options: DeezerFinderOptions = {}): TrackFinder {
  const deezer = createDeezer({ http: options.http });
  const cache = options.cache ?? new Keyv();
  const logger = options.logger ?? log.child({ module: "deezer" });

  async function track(idOrLink: string): Promise<Track> {
    if (parseSpotifyLink(idOrLink)) throw new UserFacingError("no-spotify", NO_SPOTIFY_ACCESS);
    const id = parseDeezerLink(idOrLink) ?? deezerIdOf(idOrLink.trim());
    if (id === undefined) {
      throw new UserFacingError(
        "bad-link",
        "That isn't a Deezer track link (https://www.deezer.com/track/…).",
      );
    }
    const hit = await deezer.byId(id);
    if (!hit) throw new UserFacingError("not-found", "I couldn't find that track on Deezer.");
    return fromDeezer(hit);
  }

  return {
    name: "Deezer",

    async search(artist, song) {
      const terms = searchTerms(artist, song);
      if ("link" in terms) return [await track(terms.link)];
      const { title, by } = terms;
      let hits = await deezer.search(by, title);
      // Fielded search is strict about spelling and word order; free text is forgiving.
      if (hits.length === 0) hits = await deezer.searchText(`${title} ${by}`.trim());
      if (hits.length === 0) throw notFoundOn("Deezer", artist, song);
      return hits.map(fromDeezer);
    },

    track,

    async suggest(query) {
      const text = query.trim().toLowerCase();
      if (text.length < MIN_SUGGEST_LENGTH || looksLikeLink(text)) return [];
      const key = `deezer-suggest:${text}`;
      const cached = (await cache.get(key)) as Track[] | undefined;
      if (cached) return cached;
      const lookup = deezer.searchText(text).then(
        async (hits) => {
          const tracks = hits.slice(0, SUGGEST_LIMIT).map(fromDeezer);
          await cache.set(key, tracks, options.suggestTtlMs ?? 10 * 60_000);
          return tracks;
        },
        (error: unknown) => {
          logger.info({ err: error }, "autocomplete search failed");
          return [] as Track[];
        },
      );
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<Track[]>((resolve) => {
        timer = setTimeout(() => resolve([]), options.suggestDeadlineMs ?? 2000);
      });
      return Promise.race([lookup, deadline]).finally(() => clearTimeout(timer));
    },

    async collection() {
      throw new UserFacingError(
        "no-spotify",
        "Indexing a whole playlist or album needs Spotify access, which this bot doesn't have.",
      );
    },
  };
}

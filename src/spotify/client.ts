import Keyv from "keyv";
import SpotifyWebApi from "spotify-web-api-node";
import HttpManager from "spotify-web-api-node/src/http-manager.js";
import webApiRequest from "spotify-web-api-node/src/webapi-request.js";
import { UserFacingError } from "../errors.js";
import {
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  type RetryDecision,
  type RetryPolicy,
  withProviderLimit,
  withRetries,
} from "../http/index.js";
import { withDeadline } from "../lib/deadline.js";
import { type Logger, log } from "../log.js";
import { isSpotifyId, looksLikeLink, parseSpotifyLink, type SpotifyLink } from "./links.js";
import { toFullTrack, toTrack } from "./map.js";
import { notFoundOn, searchTerms } from "./match.js";
import type { Track } from "./types.js";

/**
 * Spotify for search and metadata only (its terms forbid analysing its audio). Uses
 * spotify-web-api-node with the client-credentials flow; the token is cached and renewed before it
 * expires, and a 401 (revoked or clock skew) renews it once and retries.
 */

export interface SpotifyOptions {
  clientId: string;
  clientSecret: string;
  /** Autocomplete cache; default in-memory. */
  cache?: Keyv;
  suggestTtlMs?: number;
  /** Autocomplete answers within this even when Spotify is slow (Discord allows 3 s). */
  suggestDeadlineMs?: number;
  /** Bound on one Spotify call; the library itself never times out. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** ISO country for availability; omitted by default. */
  market?: string;
  /** Used as given (pass a child named for this module); default: the app logger, module "spotify". */
  logger?: Logger;
}

export interface Collection {
  name: string;
  tracks: Track[];
}

export interface CollectionProgress {
  loaded: number;
  total: number;
}

/**
 * Where tracks are looked up by name or link: Spotify when the bot has credentials, else Deezer's
 * public API (src/previews). Both answer the same questions the same way.
 */
export interface TrackFinder {
  /** "Spotify" or "Deezer": named in replies ("I couldn't find … on Deezer") and at start-up. */
  readonly name: string;
  /** Tracks for an artist and song (or a link in either field), best match first. Throws "not-found". */
  search(artist: string, song: string): Promise<Track[]>;
  /** One track by Spotify id, link or URI. */
  track(idOrLink: string): Promise<Track>;
  /** Quick matches for autocomplete; never throws, may be empty when Spotify is slow. */
  suggest(query: string): Promise<Track[]>;
  /** Every track of a playlist or album link, in order. */
  collection(
    link: string,
    onPage?: (page: Track[], progress: CollectionProgress) => void,
  ): Promise<Collection>;
}

export type SpotifyClient = TrackFinder;

/** Spotify's current maximum for search. */
const SEARCH_LIMIT = 10;
/** `GET /playlists/{id}/items` answers at most 50 per page (its deprecated `/tracks` allowed 100). */
const PLAYLIST_PAGE = 50;
const ALBUM_PAGE = 50;
/** Renew this long before the token's stated expiry, so an in-flight call never carries a dead token. */
const TOKEN_RENEW_MARGIN_MS = 60_000;
const MIN_SUGGEST_LENGTH = 2;

interface SpotifyHttpError {
  statusCode?: number;
  headers?: Record<string, string>;
}

class SpotifyTimeout extends Error {}

/** What to tell the user when Spotify answers 404/400 or 403 to a call. */
interface CallMessages {
  notFound: string;
  forbidden?: string;
}

/** Spotify refused our client id/secret: an operator problem, never "song not found". */
class SpotifyCredentialsError extends Error {}

export function createSpotify(options: SpotifyOptions): SpotifyClient {
  const api = new SpotifyWebApi({ clientId: options.clientId, clientSecret: options.clientSecret });
  const cache = options.cache ?? new Keyv();
  const logger = options.logger ?? log.child({ module: "spotify" });
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const timeoutMs = options.timeoutMs ?? 10_000;
  const market = options.market ? { market: options.market } : {};
  const suggestions = new Map<string, Promise<Track[]>>();

  let token: { expiresAt: number } | undefined;
  let renewing: Promise<void> | undefined;

  function ensureToken(): Promise<void> {
    if (token && Date.now() < token.expiresAt) return Promise.resolve();
    renewing ??= (async () => {
      try {
        const { body } = await inTime(api.clientCredentialsGrant()).catch((error: unknown) => {
          const status = (error as SpotifyHttpError).statusCode;
          if (status === 400 || status === 401) {
            throw new SpotifyCredentialsError("Spotify rejected SPOTIFY_CLIENT_ID / SPOTIFY_CLIENT_SECRET", {
              cause: error,
            });
          }
          throw error;
        });
        api.setAccessToken(body.access_token);
        const lifetimeMs = body.expires_in * 1000;
        token = { expiresAt: Date.now() + lifetimeMs - Math.min(TOKEN_RENEW_MARGIN_MS, lifetimeMs / 2) };
      } finally {
        renewing = undefined;
      }
    })();
    return renewing;
  }

  const inTime = <T>(promise: Promise<T>): Promise<T> =>
    withDeadline(promise, timeoutMs, () => new SpotifyTimeout(`Spotify took longer than ${timeoutMs} ms`));

  /** One Web API call with token handling, retries and friendly errors. */
  async function call<T>(request: () => Promise<{ body: T }>, messages: CallMessages): Promise<T> {
    let renewedAfter401 = false;
    const attempt = () =>
      withProviderLimit("spotify", async () => {
        await ensureToken();
        try {
          return (await inTime(request())).body;
        } catch (error) {
          if ((error as SpotifyHttpError).statusCode !== 401 || renewedAfter401) throw error;
          renewedAfter401 = true;
          token = undefined;
          await ensureToken();
          return (await inTime(request())).body;
        }
      });
    try {
      return await withRetries(attempt, decide, policy, "Spotify");
    } catch (error) {
      if (error instanceof UserFacingError) throw error;
      const status = (error as SpotifyHttpError).statusCode;
      if (error instanceof SpotifyCredentialsError) logger.error({ err: error }, error.message);
      else if (status === 404 || status === 400) throw new UserFacingError("not-found", messages.notFound);
      else if (status === 403) {
        throw new UserFacingError(
          "spotify-forbidden",
          messages.forbidden ?? "Spotify won't let genrebot see that.",
        );
      } else logger.warn({ err: error, status }, "Spotify call failed");
      throw new UserFacingError(
        "spotify-unavailable",
        "Spotify isn't answering right now — please try again in a minute.",
        {
          cause: error,
        },
      );
    }
  }

  async function searchTracks(query: string): Promise<Track[]> {
    const body = await call(() => api.searchTracks(query, { limit: SEARCH_LIMIT, ...market }), {
      notFound: "Spotify didn't understand that search.",
    });
    return (body.tracks?.items ?? []).map(toFullTrack);
  }

  function linkOf(text: string, kinds: SpotifyLink["kind"][]): SpotifyLink {
    const link = parseSpotifyLink(text);
    if (link && kinds.includes(link.kind)) return link;
    const wanted = kinds.join(" or ");
    throw new UserFacingError(
      "bad-link",
      `That doesn't look like a Spotify ${wanted} link. Paste one like https://open.spotify.com/${kinds[0]}/… or spotify:${kinds[0]}:….`,
    );
  }

  async function track(idOrLink: string): Promise<Track> {
    const id = isSpotifyId(idOrLink.trim()) ? idOrLink.trim() : linkOf(idOrLink, ["track"]).id;
    const body = await call(() => api.getTrack(id, market), {
      notFound: "I couldn't find that track on Spotify — is the link complete?",
    });
    return toFullTrack(body);
  }

  async function playlist(id: string, onPage: OnPage | undefined): Promise<Collection> {
    const messages = {
      notFound: "I couldn't find that playlist on Spotify — is it public?",
      // Spotify shows an app in Development Mode only the items of playlists its current user owns
      // or collaborates on, and a client-credentials token has no user; albums are unaffected.
      forbidden:
        "Spotify only lets genrebot read playlists it may edit: the playlist's owner can make it collaborative, or you can paste an album link instead.",
    };
    const { name } = await call(() => api.getPlaylist(id, { fields: "name", ...market }), messages);
    const tracks = await collectPages(
      (offset) => call(() => playlistItems(id, { offset, limit: PLAYLIST_PAGE, ...market }), messages),
      // Entries can be null (removed), local files (no Spotify id) or podcast episodes: skip those.
      (entries) =>
        entries.flatMap((entry) => {
          // `item` is the 2026 name of `track` (kept as a fallback); episodes arrive here too.
          const item: { type?: string } | null | undefined = entry?.item ?? entry?.track;
          return item && !entry.is_local && item.type === "track" && (item as SpotifyApi.TrackObjectFull).id
            ? [toFullTrack(item as SpotifyApi.TrackObjectFull)]
            : [];
        }),
      onPage,
    );
    return { name, tracks };
  }

  /**
   * `GET /playlists/{id}/items`, which spotify-web-api-node (last released before it existed) has
   * no method for: built with the library's own request builder, so token, errors and the
   * `{ body }` shape are the same as every other call.
   */
  function playlistItems(id: string, query: Record<string, string | number | undefined>) {
    return webApiRequest
      .builder(api.getAccessToken())
      .withPath(`/v1/playlists/${encodeURIComponent(id)}/items`)
      .withQueryParameters(query)
      .build()
      .execute<SpotifyApi.PagingObject<PlaylistItem>>(HttpManager.get);
  }

  async function album(id: string, onPage: OnPage | undefined): Promise<Collection> {
    const messages = { notFound: "I couldn't find that album on Spotify." };
    const first = await call(() => api.getAlbum(id, market), messages);
    const tracks = await collectPages(
      (offset) => call(() => api.getAlbumTracks(id, { offset, limit: ALBUM_PAGE, ...market }), messages),
      (items) => items.filter((item) => item?.id).map((item) => toTrack(item, first)),
      onPage,
      first.tracks,
    );
    return { name: first.name, tracks };
  }

  return {
    name: "Spotify",

    async search(artist, song) {
      const terms = searchTerms(artist, song);
      if ("link" in terms) return [await track(terms.link)];
      const { title, by } = terms;
      const fielded = [title && `track:"${title}"`, by && `artist:"${by}"`].filter(Boolean).join(" ");
      let tracks = await searchTracks(fielded);
      // Fielded search is strict about spelling and word order; free text is forgiving.
      if (tracks.length === 0) tracks = await searchTracks(`${title} ${by}`.trim());
      if (tracks.length === 0) throw notFoundOn("Spotify", artist, song);
      return tracks;
    },

    track,

    async suggest(query) {
      const text = query.trim().toLowerCase();
      if (text.length < MIN_SUGGEST_LENGTH || looksLikeLink(text)) return [];
      const key = `suggest:${text}`;
      const cached = (await cache.get(key)) as Track[] | undefined;
      if (cached) return cached;
      // The lookup is shared by identical keystrokes and outlives the deadline, so a slow answer
      // still lands in the cache for the next keystroke.
      let pending = suggestions.get(text);
      if (!pending) {
        pending = searchTracks(text)
          .then(async (tracks) => {
            await cache.set(key, tracks, options.suggestTtlMs ?? 10 * 60_000);
            return tracks;
          })
          .catch((error: unknown) => {
            logger.info({ err: error }, "autocomplete search failed");
            return [] as Track[];
          })
          .finally(() => suggestions.delete(text));
        suggestions.set(text, pending);
      }
      // `pending` never rejects, so the only failure here is the deadline: answer with nothing.
      return withDeadline(pending, options.suggestDeadlineMs ?? 2000, "autocomplete").catch(() => []);
    },

    async collection(link, onPage) {
      const parsed = linkOf(link, ["playlist", "album"]);
      return parsed.kind === "playlist" ? playlist(parsed.id, onPage) : album(parsed.id, onPage);
    },
  };
}

/** An entry of `/playlists/{id}/items`: the item under `item`, `track` being its deprecated name. */
type PlaylistItem = SpotifyApi.PlaylistTrackObject & { item?: SpotifyApi.PlaylistTrackObject["track"] };

type OnPage = (page: Track[], progress: CollectionProgress) => void;

/** Every page of a Spotify paging object, in order, starting from `first` or offset 0. */
async function collectPages<Item>(
  fetchPage: (offset: number) => Promise<SpotifyApi.PagingObject<Item>>,
  toTracks: (items: Item[]) => Track[],
  onPage: OnPage | undefined,
  first?: SpotifyApi.PagingObject<Item>,
): Promise<Track[]> {
  const tracks: Track[] = [];
  let page = first ?? (await fetchPage(0));
  for (;;) {
    const pageTracks = toTracks(page.items);
    tracks.push(...pageTracks);
    onPage?.(pageTracks, { loaded: page.offset + page.items.length, total: page.total });
    if (!page.next || page.items.length === 0) return tracks;
    page = await fetchPage(page.offset + page.items.length);
  }
}

function decide(error: unknown): RetryDecision {
  if (error instanceof SpotifyTimeout) return { retry: true };
  const { statusCode, headers } = error as SpotifyHttpError;
  if (statusCode === 429) return { retry: true, afterMs: parseRetryAfter(headers?.["retry-after"]) ?? 1000 };
  // No status code: the connection itself failed (reset, refused, DNS).
  if (statusCode === undefined || statusCode >= 500) return { retry: true };
  return { retry: false };
}

import type { ServerResponse } from "node:http";
import { type FakeHttps, readBody, sendJson } from "./https.js";

/**
 * Fake Spotify accounts service (client-credentials `/api/token`) and Web API (`/v1/search`,
 * `/v1/tracks/{id}`, `/v1/playlists/{id}` + `/items`, `/v1/albums/{id}` + `/tracks`), answering
 * with objects that conform to the Spotify Web API description in ../shared/specs (checked by
 * test/spotify-fake-spec.test.ts), including its 2026 rules for apps in Development Mode: a
 * playlist's items only for its owner or collaborators (a client-credentials token has no user, so
 * never), and the deprecated `/tracks` not at all, unless `extendedQuota` is on.
 */

export interface FakeSpotifyTrack {
  id: string;
  title: string;
  artists: string[];
  album: { id: string; name: string; releaseDate: string };
  durationMs: number;
  isrc?: string;
  previewUrl?: string;
}

/** A playlist entry: a track id, or one of the things real playlists also contain. */
export type FakePlaylistEntry = string | { removed: true } | { local: string } | { episode: string };

export interface FakeSpotifyOptions {
  clientId: string;
  clientSecret: string;
  tracks: FakeSpotifyTrack[];
  playlists?: Array<{ id: string; name: string; entries: FakePlaylistEntry[] }>;
  albums?: Array<{ id: string; name: string; releaseDate: string; trackIds: string[] }>;
  tokenLifetimeSeconds?: number;
  /** An app granted Extended Quota Mode: every public playlist's items, and the deprecated `/tracks`. */
  extendedQuota?: boolean;
}

export interface FakeSpotify {
  /** Grants or withdraws Extended Quota Mode from the app (see `FakeSpotifyOptions.extendedQuota`). */
  setExtendedQuota(on: boolean): void;
  /** Makes every issued token invalid at once, as if they had all expired. */
  expireTokens(): void;
  tokensIssued(): number;
}

const API = "https://api.spotify.com/v1";

export function addFakeSpotify(https: FakeHttps, options: FakeSpotifyOptions): FakeSpotify {
  const valid = new Map<string, number>();
  let issued = 0;
  const byId = new Map(options.tracks.map((track) => [track.id, track]));

  https.route("accounts.spotify.com", async (request, response, url) => {
    const body = new URLSearchParams(await readBody(request));
    const expected = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString("base64")}`;
    if (request.method !== "POST" || url.pathname !== "/api/token")
      return sendJson(response, 404, { error: "not_found" });
    if (request.headers.authorization !== expected) {
      return sendJson(response, 400, { error: "invalid_client", error_description: "Invalid client" });
    }
    if (body.get("grant_type") !== "client_credentials") {
      return sendJson(response, 400, {
        error: "unsupported_grant_type",
        error_description: "grant_type parameter is missing",
      });
    }
    issued++;
    const token = `fake-token-${issued}-${Math.random().toString(36).slice(2)}`;
    const lifetime = options.tokenLifetimeSeconds ?? 3600;
    valid.set(token, Date.now() + lifetime * 1000);
    sendJson(response, 200, { access_token: token, token_type: "Bearer", expires_in: lifetime });
  });

  https.route("api.spotify.com", (request, response, url) => {
    const token = request.headers.authorization?.replace(/^Bearer /, "") ?? "";
    const expiry = valid.get(token);
    if (expiry === undefined) return apiError(response, 401, "Invalid access token");
    if (Date.now() > expiry) return apiError(response, 401, "The access token expired");
    return answerApi(url, response);
  });

  function answerApi(url: URL, response: ServerResponse) {
    const parts = url.pathname.split("/").filter(Boolean); // ["v1", kind, id?, sub?]
    const offset = Number(url.searchParams.get("offset") ?? 0);
    const [, kind, id, sub] = parts;
    if (kind === "search") {
      const limit = Number(url.searchParams.get("limit") ?? 20);
      if (limit > 10) return apiError(response, 400, "Invalid limit");
      const query = url.searchParams.get("q") ?? "";
      const found = options.tracks.filter((track) => matchesQuery(track, query));
      const href = `${API}/search?q=${encodeURIComponent(query)}&type=track`;
      return sendJson(response, 200, { tracks: paging(found.map(fullTrack), offset, limit, href) });
    }
    if (kind === "tracks" && id) {
      const track = byId.get(id);
      return track
        ? sendJson(response, 200, fullTrack(track))
        : apiError(response, 404, "Resource not found");
    }
    if (kind === "playlists" && id) {
      const playlist = options.playlists?.find((p) => p.id === id);
      if (!playlist) return apiError(response, 404, "Resource not found");
      const allowed = options.extendedQuota === true;
      const items = (key: "item" | "track") =>
        playlist.entries.map((entry, index) => playlistItem(entry, index, byId, key));
      if (sub === "items" || sub === "tracks") {
        if (!allowed) return apiError(response, 403, "Forbidden");
        const max = sub === "items" ? 50 : 100;
        const limit = Number(url.searchParams.get("limit") ?? (sub === "items" ? 20 : 100));
        if (limit > max) return apiError(response, 400, "Invalid limit");
        const href = `${API}/playlists/${id}/${sub}`;
        return sendJson(
          response,
          200,
          paging(items(sub === "items" ? "item" : "track"), offset, limit, href),
        );
      }
      return sendJson(response, 200, {
        collaborative: false,
        description: "",
        external_urls: { spotify: `https://open.spotify.com/playlist/${id}` },
        href: `${API}/playlists/${id}`,
        id,
        images: [],
        name: playlist.name,
        owner: { ...PLAYLIST_OWNER, display_name: "Listening Room" },
        public: true,
        snapshot_id: "AAAAAQ",
        type: "playlist",
        uri: `spotify:playlist:${id}`,
        // Only for playlists the app may read (the description says so of both names).
        ...(allowed
          ? {
              items: paging(items("item"), 0, 50, `${API}/playlists/${id}/items`),
              tracks: paging(items("track"), 0, 100, `${API}/playlists/${id}/tracks`),
            }
          : {}),
      });
    }
    if (kind === "albums" && id) {
      const album = options.albums?.find((a) => a.id === id);
      if (!album) return apiError(response, 404, "Resource not found");
      const tracks = album.trackIds.map((trackId) => simplifiedTrack(byId.get(trackId) as FakeSpotifyTrack));
      const href = `${API}/albums/${id}/tracks`;
      if (sub === "tracks") {
        const limit = Number(url.searchParams.get("limit") ?? 20);
        if (limit > 50) return apiError(response, 400, "Invalid limit");
        return sendJson(response, 200, paging(tracks, offset, limit, href));
      }
      return sendJson(response, 200, {
        ...albumObject({ id, name: album.name, releaseDate: album.releaseDate }),
        total_tracks: tracks.length,
        copyrights: [{ text: `℗ ${album.releaseDate.slice(0, 4)} Fake Records`, type: "P" }],
        external_ids: { upc: "00000000000" },
        genres: [],
        label: "Fake Records",
        popularity: 40,
        tracks: paging(tracks, 0, 50, href),
      });
    }
    apiError(response, 404, "Service not found");
  }

  return {
    setExtendedQuota(on) {
      options.extendedQuota = on;
    },
    expireTokens() {
      for (const token of valid.keys()) valid.set(token, 0);
    },
    tokensIssued: () => issued,
  };
}

function apiError(response: ServerResponse, status: number, message: string): void {
  sendJson(response, status, { error: { status, message } });
}

/** Spotify's field filters, loosely: every `field:"value"` must match, free words must all appear. */
function matchesQuery(track: FakeSpotifyTrack, query: string): boolean {
  const lower = (s: string) => s.toLowerCase();
  const fields = [...query.matchAll(/(\w+):"([^"]*)"/g)];
  const rest = query.replace(/(\w+):"([^"]*)"/g, " ").trim();
  for (const [, field, value = ""] of fields) {
    if (field === "track" && !lower(track.title).includes(lower(value))) return false;
    if (field === "artist" && !track.artists.some((artist) => lower(artist).includes(lower(value))))
      return false;
  }
  const haystack = lower(`${track.title} ${track.artists.join(" ")} ${track.album.name}`);
  return rest.split(/\s+/).every((word) => haystack.includes(lower(word)));
}

function paging<T>(items: T[], offset: number, limit: number, href: string) {
  const next = offset + limit < items.length ? `${href}?offset=${offset + limit}&limit=${limit}` : null;
  const previous = offset > 0 ? `${href}?offset=${Math.max(0, offset - limit)}&limit=${limit}` : null;
  return {
    href: `${href}?offset=${offset}&limit=${limit}`,
    items: items.slice(offset, offset + limit),
    limit,
    next,
    offset,
    previous,
    total: items.length,
  };
}

function artistObject(name: string) {
  const id = Buffer.from(name).toString("hex").padEnd(22, "0").slice(0, 22);
  return {
    external_urls: { spotify: `https://open.spotify.com/artist/${id}` },
    href: `${API}/artists/${id}`,
    id,
    name,
    type: "artist",
    uri: `spotify:artist:${id}`,
  };
}

/** The user who owns (and filled) every fake playlist: never the app's, which has none. */
const PLAYLIST_OWNER = {
  external_urls: { spotify: "https://open.spotify.com/user/listeningroom" },
  href: `${API}/users/listeningroom`,
  id: "listeningroom",
  type: "user",
  uri: "spotify:user:listeningroom",
};

/** Where every fake track and album is available (Spotify lists ISO countries). */
const MARKETS = ["GB", "US", "DE", "FR", "SE"];

function albumObject(album: FakeSpotifyTrack["album"]) {
  return {
    album_type: "album",
    available_markets: MARKETS,
    artists: [],
    external_urls: { spotify: `https://open.spotify.com/album/${album.id}` },
    href: `${API}/albums/${album.id}`,
    id: album.id,
    images: [640, 300, 64].map((size) => ({
      url: `https://i.scdn.co/image/${album.id}-${size}`,
      height: size,
      width: size,
    })),
    name: album.name,
    release_date: album.releaseDate,
    release_date_precision: "day",
    total_tracks: 1,
    type: "album",
    uri: `spotify:album:${album.id}`,
  };
}

function simplifiedTrack(track: FakeSpotifyTrack) {
  return {
    artists: track.artists.map(artistObject),
    disc_number: 1,
    duration_ms: track.durationMs,
    explicit: false,
    external_urls: { spotify: `https://open.spotify.com/track/${track.id}` },
    href: `${API}/tracks/${track.id}`,
    id: track.id,
    is_local: false,
    name: track.title,
    preview_url: track.previewUrl ?? null,
    track_number: 1,
    type: "track",
    uri: `spotify:track:${track.id}`,
  };
}

function fullTrack(track: FakeSpotifyTrack) {
  return {
    ...simplifiedTrack(track),
    album: albumObject(track.album),
    external_ids: track.isrc ? { isrc: track.isrc } : {},
    popularity: 50,
  };
}

/** A playlist entry, its item under `key`: `item` from `/items`, `track` from the deprecated `/tracks`. */
function playlistItem(
  entry: FakePlaylistEntry,
  index: number,
  byId: Map<string, FakeSpotifyTrack>,
  key: "item" | "track",
) {
  const base = { added_at: "2024-01-01T00:00:00Z", added_by: PLAYLIST_OWNER, is_local: false };
  if (typeof entry === "string") {
    const track = byId.get(entry);
    if (!track) throw new Error(`fake playlist names unknown track ${entry}`);
    return { ...base, [key]: fullTrack(track) };
  }
  if ("removed" in entry) return { ...base, [key]: null };
  if ("local" in entry) {
    return {
      ...base,
      is_local: true,
      [key]: {
        id: null,
        name: entry.local,
        type: "track",
        uri: `spotify:local:::${encodeURIComponent(entry.local)}:${index}`,
        is_local: true,
        artists: [],
        duration_ms: 0,
      },
    };
  }
  const id = entry.episode;
  const showId = "38bS44xjbVVZ3No3ByF1dJ";
  const images = [{ url: `https://i.scdn.co/image/${id}`, height: 640, width: 640 }];
  const text = { description: "An episode", html_description: "<p>An episode</p>", explicit: false };
  return {
    ...base,
    [key]: {
      ...text,
      audio_preview_url: null,
      duration_ms: 60_000,
      external_urls: { spotify: `https://open.spotify.com/episode/${id}` },
      href: `${API}/episodes/${id}`,
      id,
      images,
      is_externally_hosted: false,
      is_playable: true,
      languages: ["en"],
      name: `Episode ${id}`,
      release_date: "2024-01-01",
      release_date_precision: "day",
      type: "episode",
      uri: `spotify:episode:${id}`,
      show: {
        ...text,
        available_markets: MARKETS,
        copyrights: [],
        external_urls: { spotify: `https://open.spotify.com/show/${showId}` },
        href: `${API}/shows/${showId}`,
        id: showId,
        images,
        is_externally_hosted: false,
        languages: ["en"],
        media_type: "audio",
        name: "A Podcast",
        publisher: "Fake Pods",
        total_episodes: 1,
        type: "show",
        uri: `spotify:show:${showId}`,
      },
    },
  };
}

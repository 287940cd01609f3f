import type { ServerResponse } from "node:http";
import { type FakeHttps, readBody, sendJson } from "./https.js";

/**
 * Fake Spotify accounts service (client-credentials `/api/token`) and Web API (`/v1/search`,
 * `/v1/tracks/{id}`, `/v1/playlists/{id}` + `/tracks`, `/v1/albums/{id}` + `/tracks`), answering
 * with objects shaped like Spotify's reference documentation.
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
}

export interface FakeSpotify {
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
      const items = playlist.entries.map((entry, index) => playlistItem(entry, index, byId));
      const href = `${API}/playlists/${id}/tracks`;
      if (sub === "tracks") {
        const limit = Number(url.searchParams.get("limit") ?? 100);
        if (limit > 100) return apiError(response, 400, "Invalid limit");
        return sendJson(response, 200, paging(items, offset, limit, href));
      }
      return sendJson(response, 200, {
        id,
        name: playlist.name,
        type: "playlist",
        uri: `spotify:playlist:${id}`,
        external_urls: { spotify: `https://open.spotify.com/playlist/${id}` },
        tracks: paging(items, 0, 100, href),
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
        tracks: paging(tracks, 0, 50, href),
      });
    }
    apiError(response, 404, "Service not found");
  }

  return {
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

function albumObject(album: FakeSpotifyTrack["album"]) {
  return {
    album_type: "album",
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

function playlistItem(entry: FakePlaylistEntry, index: number, byId: Map<string, FakeSpotifyTrack>) {
  const base = { added_at: "2024-01-01T00:00:00Z", added_by: null, is_local: false, primary_color: null };
  if (typeof entry === "string") {
    const track = byId.get(entry);
    if (!track) throw new Error(`fake playlist names unknown track ${entry}`);
    return { ...base, track: fullTrack(track) };
  }
  if ("removed" in entry) return { ...base, track: null };
  if ("local" in entry) {
    return {
      ...base,
      is_local: true,
      track: {
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
  return {
    ...base,
    track: {
      id,
      name: `Episode ${id}`,
      type: "episode",
      episode: true,
      track: false,
      uri: `spotify:episode:${id}`,
      duration_ms: 60_000,
    },
  };
}

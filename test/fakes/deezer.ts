import { type FakeHttps, sendFile, sendJson } from "./https.js";

/**
 * Fake Deezer public API (`/track/{id}`, `/track/isrc:{ISRC}`, `/search`) and preview CDN.
 * Like the real one it reports errors as HTTP 200 with an `error` object, and its preview URLs
 * are signed with an expiry (`hdnea=exp=…`) and refused once expired.
 */

export interface FakeDeezerTrack {
  id: number;
  title: string;
  artist: string;
  durationSeconds: number;
  isrc?: string;
  /** A real audio file served as the preview; without it `preview` is "" as on Deezer. */
  previewFile?: string;
}

/** How long a signed preview URL stays valid. */
export const DEEZER_PREVIEW_LIFETIME_SECONDS = 900;

const NO_DATA = { error: { type: "DataException", message: "no data", code: 800 } };

export function addFakeDeezer(https: FakeHttps, tracks: FakeDeezerTrack[]): void {
  const byId = new Map(tracks.map((track) => [track.id, track]));

  https.route("api.deezer.com", (_request, response, url) => {
    const isrc = /^\/track\/isrc:([A-Z0-9]+)$/i.exec(url.pathname)?.[1];
    if (isrc) {
      const track = tracks.find((t) => t.isrc?.toUpperCase() === isrc.toUpperCase());
      return sendJson(response, 200, track ? trackObject(track) : NO_DATA);
    }
    const id = /^\/track\/(\d+)$/.exec(url.pathname)?.[1];
    if (id) {
      const track = byId.get(Number(id));
      return sendJson(response, 200, track ? trackObject(track) : NO_DATA);
    }
    if (url.pathname === "/search") {
      const query = url.searchParams.get("q") ?? "";
      const found = tracks.filter((track) => matches(track, query));
      return sendJson(response, 200, { data: found.map(searchItem), total: found.length });
    }
    sendJson(response, 200, { error: { type: "DataException", message: "no data", code: 800 } });
  });

  https.route(/^(cdnt-preview|cdns-preview-[a-z0-9]+)\.dzcdn\.net$/, async (_request, response, url) => {
    const id = Number(/\/(\d+)\.mp3$/.exec(url.pathname)?.[1]);
    const expiry = Number(/exp=(\d+)/.exec(url.searchParams.get("hdnea") ?? "")?.[1]);
    const file = byId.get(id)?.previewFile;
    if (!file || !(expiry * 1000 > Date.now())) {
      response.writeHead(403, { "content-type": "text/html" }).end("<h1>Access Denied</h1>");
      return;
    }
    await sendFile(response, file, "audio/mpeg");
  });
}

function previewUrl(track: FakeDeezerTrack): string {
  if (!track.previewFile) return "";
  const expiry = Math.floor(Date.now() / 1000) + DEEZER_PREVIEW_LIFETIME_SECONDS;
  const hash = track.id.toString(16).padStart(8, "0");
  return `https://cdnt-preview.dzcdn.net/api/1/1/${hash[0]}/${hash[1]}/${hash}/${track.id}.mp3?hdnea=exp=${expiry}~acl=/api/1/1/*~hmac=${hash}`;
}

/**
 * Deezer's search, loosely: each `artist:"…"` / `track:"…"` must be contained; a free-text query
 * (no fields) matches when every word is in the title or the artist.
 */
function matches(track: FakeDeezerTrack, query: string): boolean {
  const lower = (s: string) => s.toLowerCase();
  const fields = [...query.matchAll(/(\w+):"([^"]*)"/g)];
  if (fields.length === 0) {
    const haystack = lower(`${track.title} ${track.artist}`);
    const words = lower(query).split(/\s+/).filter(Boolean);
    return words.length > 0 && words.every((word) => haystack.includes(word));
  }
  return fields.every(([, field, value = ""]) => {
    if (field === "artist") return lower(track.artist).includes(lower(value.trim()));
    if (field === "track") return lower(track.title).includes(lower(value.trim()));
    return true;
  });
}

function artistObject(track: FakeDeezerTrack) {
  const id = track.id + 1_000_000;
  return {
    id,
    name: track.artist,
    link: `https://www.deezer.com/artist/${id}`,
    tracklist: `https://api.deezer.com/artist/${id}/top?limit=50`,
    type: "artist",
  };
}

function albumObject(track: FakeDeezerTrack) {
  const id = track.id + 2_000_000;
  return {
    id,
    title: `${track.title} (single)`,
    cover: `https://api.deezer.com/album/${id}/image`,
    md5_image: "0".repeat(32),
    tracklist: `https://api.deezer.com/album/${id}/tracks`,
    type: "album",
  };
}

function searchItem(track: FakeDeezerTrack) {
  return {
    id: track.id,
    readable: true,
    title: track.title,
    title_short: track.title,
    title_version: "",
    link: `https://www.deezer.com/track/${track.id}`,
    duration: track.durationSeconds,
    rank: 500_000,
    explicit_lyrics: false,
    preview: previewUrl(track),
    md5_image: "0".repeat(32),
    artist: artistObject(track),
    album: albumObject(track),
    type: "track",
  };
}

function trackObject(track: FakeDeezerTrack) {
  return {
    ...searchItem(track),
    isrc: track.isrc ?? "",
    share: `https://www.deezer.com/track/${track.id}?utm_source=deezer`,
    track_position: 1,
    disk_number: 1,
    release_date: "2016-01-01",
    bpm: 0,
    gain: -8.5,
    available_countries: ["GB", "US", "FR"],
    contributors: [{ ...artistObject(track), role: "Main" }],
  };
}

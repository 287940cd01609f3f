import { readFileSync } from "node:fs";
import Keyv from "keyv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeAudio } from "../src/audio/index.js";
import { UserFacingError } from "../src/errors.js";
import { createLogger } from "../src/log.js";
import { createPreviewResolver, type PreviewResolver } from "../src/previews/index.js";
import { previewCacheKey } from "../src/previews/resolver.js";
import { createSpotify, type SpotifyClient, type Track } from "../src/spotify/index.js";
import {
  emotifyClip,
  type FakeInternet,
  type FakeSong,
  fakeSpotifyId,
  startFakeInternet,
} from "./fakes/index.js";

const logger = createLogger("silent");

const BY_ISRC: FakeSong = {
  spotifyId: fakeSpotifyId(1, "song"),
  title: "Lantern",
  artists: ["Ada Moss"],
  durationMs: 201_000,
  isrc: "GBAYE0601498",
  deezer: { id: 1001, previewFile: emotifyClip("pop", 1) },
};
const BY_DEEZER_SEARCH: FakeSong = {
  spotifyId: fakeSpotifyId(2, "song"),
  title: "Harbour Lights - Remastered 2011",
  artists: ["Mira Vale", "Tom Oak"],
  durationMs: 245_500,
  isrc: "USAAA1100001",
  // Deezer lacks the ISRC and decorates the title differently; 2 s shorter is still the same take.
  deezer: {
    id: 1002,
    isrc: null,
    title: "Harbour Lights (2011 Remaster)",
    artist: "Mira Vale",
    durationSeconds: 244,
    previewFile: emotifyClip("rock", 2),
  },
};
const BY_ITUNES: FakeSong = {
  spotifyId: fakeSpotifyId(3, "song"),
  title: "Paper Moon",
  artists: ["Echo Park"],
  durationMs: 180_000,
  isrc: "USBBB2200002",
  // Deezer only has a live version, 10 s longer: it must not be taken for the studio recording.
  deezer: {
    id: 1003,
    isrc: null,
    title: "Paper Moon",
    durationSeconds: 190,
    previewFile: emotifyClip("rock", 9),
  },
  itunes: {
    trackId: 5003,
    trackName: "Paper Moon (feat. Lu)",
    artistName: "Echo Park",
    trackTimeMillis: 179_000,
    previewFile: emotifyClip("electronic", 3),
  },
};
const NOWHERE: FakeSong = {
  spotifyId: fakeSpotifyId(4, "song"),
  title: "Silent Song",
  artists: ["Nobody Known"],
  durationMs: 200_000,
  isrc: "USCCC3300003",
};
const SPOTIFY_PREVIEW: FakeSong = {
  spotifyId: fakeSpotifyId(5, "song"),
  title: "Old Times",
  artists: ["Grandfathered App"],
  durationMs: 150_000,
  spotifyPreviewFile: emotifyClip("classical", 4),
  deezer: { id: 1005, previewFile: emotifyClip("pop", 5) },
};
const DEEZER_ONLY: FakeSong = {
  spotifyId: fakeSpotifyId(6, "song"),
  title: "Only On Deezer",
  artists: ["Solo"],
  durationMs: 160_000,
  isrc: "USDDD4400004",
  deezer: { id: 1006, previewFile: emotifyClip("electronic", 6) },
};

let internet: FakeInternet;
let restoreAgent: () => void;
let spotify: SpotifyClient;

function resolver(cache = new Keyv()): PreviewResolver {
  return createPreviewResolver({
    dispatcher: internet.dispatcher,
    cache,
    logger,
    deezer: { quotaDelayMs: 50 },
    http: { retry: { baseDelayMs: 10 } },
  });
}

async function track(song: FakeSong): Promise<Track> {
  return spotify.track(song.spotifyId);
}

function callsSince(from: number, host: string) {
  return internet.calls.slice(from).filter((c) => c.host === host);
}

beforeAll(async () => {
  internet = await startFakeInternet({
    songs: [BY_ISRC, BY_DEEZER_SEARCH, BY_ITUNES, NOWHERE, SPOTIFY_PREVIEW, DEEZER_ONLY],
  });
  restoreAgent = internet.installGlobalHttpsAgent();
  spotify = createSpotify({ ...internet.credentials, logger });
});

afterAll(async () => {
  restoreAgent();
  await internet.close();
});

describe("resolving a preview", () => {
  it("searches Spotify, finds the preview on Deezer by ISRC, and the bytes decode as the 30 s clip", async () => {
    const [found] = await spotify.search("Ada Moss", "Lantern");
    expect(found?.isrc).toBe("GBAYE0601498");
    const preview = await resolver().resolve(found as Track);
    expect(preview.source).toBe("deezer");
    expect(preview.url).toMatch(/^https:\/\/cdnt-preview\.dzcdn\.net\/api\/.*\/1001\.mp3\?hdnea=exp=/);
    expect(Buffer.from(preview.bytes).equals(readFileSync(emotifyClip("pop", 1)))).toBe(true);
    const audio = await decodeAudio(preview.bytes);
    expect(audio.sampleRate).toBe(22050);
    expect(audio.durationSeconds).toBeGreaterThan(29);
    expect(audio.durationSeconds).toBeLessThan(31);
  });

  it("caches Deezer's track id, not its expiring URL, and re-fetches the track by id next time", async () => {
    const cache = new Keyv();
    const previews = resolver(cache);
    const lantern = await track(BY_ISRC);
    const first = await previews.resolve(lantern);
    expect(await cache.get(previewCacheKey(BY_ISRC.spotifyId))).toEqual({ source: "deezer", deezerId: 1001 });
    const before = internet.calls.length;
    const second = await previews.resolve(lantern);
    expect(callsSince(before, "api.deezer.com").map((c) => c.path)).toEqual(["/track/1001"]);
    expect(second.source).toBe("deezer");
    expect(Buffer.from(second.bytes).equals(Buffer.from(first.bytes))).toBe(true);
  });

  it("uses Spotify's own preview when the track still has one", async () => {
    const preview = await resolver().resolve(await track(SPOTIFY_PREVIEW));
    expect(preview.source).toBe("spotify");
    expect(preview.url).toMatch(/^https:\/\/p\.scdn\.co\/mp3-preview\//);
    expect(Buffer.from(preview.bytes).equals(readFileSync(emotifyClip("classical", 4)))).toBe(true);
  });

  it("falls back to a Deezer search when the ISRC is unknown, matching through title decorations", async () => {
    const before = internet.calls.length;
    const preview = await resolver().resolve(await track(BY_DEEZER_SEARCH));
    expect(preview.source).toBe("deezer");
    expect(Buffer.from(preview.bytes).equals(readFileSync(emotifyClip("rock", 2)))).toBe(true);
    const deezerPaths = callsSince(before, "api.deezer.com").map((c) => decodeURIComponent(c.path));
    expect(deezerPaths).toEqual([
      "/track/isrc:USAAA1100001",
      '/search?q=artist:"Mira Vale" track:"Harbour Lights"',
    ]);
  });

  it("goes on to iTunes when Deezer has no data for the ISRC and only a different recording by search", async () => {
    const preview = await resolver().resolve(await track(BY_ITUNES));
    expect(preview.source).toBe("itunes");
    expect(preview.url).toMatch(/^https:\/\/audio-ssl\.itunes\.apple\.com\/itunes-assets\//);
    expect(Buffer.from(preview.bytes).equals(readFileSync(emotifyClip("electronic", 3)))).toBe(true);
  });

  it("names the track when no service has a preview", async () => {
    const error = await resolver()
      .resolve(await track(NOWHERE))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserFacingError);
    expect((error as UserFacingError).code).toBe("no-preview");
    expect((error as UserFacingError).message).toBe(
      "No preview is available for Silent Song by Nobody Known — try another version of the song.",
    );
  });
});

describe("when providers misbehave", () => {
  it("backs off after Deezer's quota error (sent as HTTP 200) and then succeeds", async () => {
    const quota = JSON.stringify({ error: { type: "Exception", message: "Quota limit exceeded", code: 4 } });
    internet.inject("api.deezer.com", "/track/isrc:", {
      status: 200,
      headers: { "content-type": "application/json" },
      body: quota,
    });
    const before = internet.calls.length;
    const preview = await resolver().resolve(await track(DEEZER_ONLY));
    expect(preview.source).toBe("deezer");
    expect(callsSince(before, "api.deezer.com").map((c) => c.path)).toEqual([
      "/track/isrc:USDDD4400004",
      "/track/isrc:USDDD4400004",
    ]);
  });

  it("stops retrying a persistent quota error and finds the preview another way", async () => {
    const quota = JSON.stringify({ error: { type: "Exception", message: "Quota limit exceeded", code: 4 } });
    const reply = { status: 200, headers: { "content-type": "application/json" }, body: quota };
    internet.inject("api.deezer.com", "/track/isrc:", reply, reply, reply);
    const before = internet.calls.length;
    const preview = await resolver().resolve(await track(DEEZER_ONLY));
    expect(preview.source).toBe("deezer");
    const paths = callsSince(before, "api.deezer.com").map((c) => c.path);
    // The default budget: the first try and two retries, then on to Deezer search.
    expect(paths.filter((p) => p.startsWith("/track/isrc:"))).toHaveLength(3);
    expect(paths.some((p) => p.startsWith("/search"))).toBe(true);
  });

  it("honours a short Retry-After on 429 and a 500 from the CDN, then succeeds", async () => {
    internet.inject("api.deezer.com", "/track/isrc:", { status: 429, headers: { "retry-after": "1" } });
    internet.inject("cdnt-preview.dzcdn.net", "/api/", { status: 500, body: "upstream error" });
    const preview = await resolver().resolve(await track(DEEZER_ONLY));
    expect(Buffer.from(preview.bytes).equals(readFileSync(emotifyClip("electronic", 6)))).toBe(true);
  });

  it("still finds the preview by search when the ISRC lookup returns malformed JSON", async () => {
    internet.inject("api.deezer.com", "/track/isrc:", {
      status: 200,
      headers: { "content-type": "application/json" },
      body: '{"id": 1006, "title": "Only',
    });
    const preview = await resolver().resolve(await track(DEEZER_ONLY));
    expect(preview.source).toBe("deezer");
  });

  it("gives a friendly error within bounded time when Deezer never answers", async () => {
    const impatient = createPreviewResolver({
      dispatcher: internet.dispatcher,
      logger,
      http: { timeoutMs: 300, retry: { retries: 1, baseDelayMs: 10 } },
    });
    internet.inject("api.deezer.com", "/", ...Array.from({ length: 4 }, () => ({ hang: true as const })));
    const error = await impatient.resolve(await track(DEEZER_ONLY)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserFacingError);
    expect((error as UserFacingError).code).toBe("provider-unavailable");
    expect((error as UserFacingError).message).toContain("Deezer");
  });

  it("refuses a preview link that redirects off the allow-list and uses the next source", async () => {
    internet.inject("p.scdn.co", "/mp3-preview/", { redirect: "https://169.254.169.254/latest/meta-data/" });
    const before = internet.calls.length;
    const preview = await resolver().resolve(await track(SPOTIFY_PREVIEW));
    expect(preview.source).toBe("deezer");
    expect(internet.calls.slice(before).some((c) => c.host === "169.254.169.254")).toBe(false);
  });

  it("keeps a burst of resolutions within Deezer's concurrency limit", async () => {
    const lantern = await track(BY_ISRC);
    internet.peakConcurrency.clear();
    for (let i = 0; i < 12; i++) internet.inject("cdnt-preview.dzcdn.net", "/api/", { delayMs: 100 });
    const previews = await Promise.all(Array.from({ length: 12 }, () => resolver().resolve(lantern)));
    expect(previews.every((p) => p.source === "deezer")).toBe(true);
    expect(internet.peakConcurrency.get("cdnt-preview.dzcdn.net")).toBeLessThanOrEqual(4);
    expect(internet.peakConcurrency.get("cdnt-preview.dzcdn.net")).toBeGreaterThan(1);
  });
});

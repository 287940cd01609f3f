import Keyv from "keyv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../src/log.js";
import { createSpotify, parseSpotifyLink, type SpotifyClient } from "../src/spotify/index.js";
import { type FakeInternet, type FakeSong, fakeSpotifyId, startFakeInternet } from "./fakes/index.js";
import { failure } from "./helpers/failure.js";

const SONG: FakeSong = {
  spotifyId: "3n3Ppam7vgaVa1iaRUc9Lp",
  title: "Mr. Brightside",
  artists: ["The Killers"],
  album: "Hot Fuss",
  releaseDate: "2004-06-07",
  durationMs: 222_973,
  isrc: "USIR20400274",
};
const OTHERS: FakeSong[] = Array.from({ length: 230 }, (_, i) => ({
  spotifyId: fakeSpotifyId(i),
  title: `Playlist Song ${i}`,
  artists: [`Band ${i % 7}`],
  durationMs: 180_000 + i,
}));
const logger = createLogger("silent");
const PLAYLIST_ID = "37i9dQZF1DXcBWIGoYBM5M";
const ALBUM_ID = "4OHNH3sDzIxnmUADXzv2kT";

let internet: FakeInternet;
let restoreAgent: () => void;
let spotify: SpotifyClient;

/** Search requests that reached the fake (the library asks for "/v1/search/"). */
function searches(from = 0) {
  return internet.calls
    .slice(from)
    .filter((c) => c.host === "api.spotify.com" && c.url.pathname.startsWith("/v1/search"));
}

beforeAll(async () => {
  internet = await startFakeInternet({
    songs: [SONG, ...OTHERS],
    playlists: [
      {
        id: PLAYLIST_ID,
        name: "Two hundred and thirty",
        // Real playlists also hold removed tracks, local files and podcast episodes.
        entries: [
          ...OTHERS.slice(0, 100).map((s) => s.spotifyId),
          { removed: true },
          { local: "my-demo.mp3" },
          { episode: "512ojhOuo1ktJprKbVcKyQ" },
          ...OTHERS.slice(100).map((s) => s.spotifyId),
        ],
      },
    ],
    albums: [{ id: ALBUM_ID, name: "Sixty", trackIds: OTHERS.slice(0, 60).map((s) => s.spotifyId) }],
    extendedQuota: true,
  });
  restoreAgent = internet.installGlobalHttpsAgent();
  spotify = createSpotify({ ...internet.credentials, logger, retry: { baseDelayMs: 10 } });
});

afterAll(async () => {
  restoreAgent();
  await internet.close();
});

describe("search", () => {
  it("finds a song with a fielded query and maps Spotify's track object", async () => {
    const [track] = await spotify.search("The Killers", "Mr. Brightside");
    expect(track).toEqual({
      id: SONG.spotifyId,
      title: "Mr. Brightside",
      artists: ["The Killers"],
      album: "Hot Fuss",
      year: 2004,
      durationMs: 222_973,
      isrc: "USIR20400274",
      artworkUrl: expect.stringMatching(/-300$/),
      spotifyUrl: `https://open.spotify.com/track/${SONG.spotifyId}`,
    });
    const last = searches().at(-1);
    expect(last?.url.searchParams.get("q")).toBe('track:"Mr. Brightside" artist:"The Killers"');
    expect(last?.url.searchParams.get("limit")).toBe("10");
  });

  it("falls back to free text when the fielded query finds nothing", async () => {
    // "killers" is not in the artist field as typed ("Killers, The"), but free text finds the title.
    const [track] = await spotify.search("", "brightside");
    expect(track?.id).toBe(SONG.spotifyId);
    const before = internet.calls.length;
    const tracks = await spotify.search("Killers The", "Brightside");
    expect(tracks[0]?.id).toBe(SONG.spotifyId);
    const queries = searches(before).map((c) => c.url.searchParams.get("q"));
    expect(queries).toEqual(['track:"Brightside" artist:"Killers The"', "Brightside Killers The"]);
  });

  it("says which song it couldn't find", async () => {
    const error = await failure(spotify.search("Nobody", "Nothing At All"));
    expect(error.code).toBe("not-found");
    expect(error.message).toBe("I couldn't find “Nothing At All” by Nobody on Spotify.");
  });

  it("accepts a link where a song title is asked for", async () => {
    const [track] = await spotify.search("", `https://open.spotify.com/track/${SONG.spotifyId}?si=abc`);
    expect(track?.title).toBe("Mr. Brightside");
  });
});

describe("tokens and failures", () => {
  it("renews an expired token once and retries the call", async () => {
    await spotify.track(SONG.spotifyId);
    const issued = internet.spotify.tokensIssued();
    internet.spotify.expireTokens();
    const track = await spotify.track(SONG.spotifyId);
    expect(track.title).toBe("Mr. Brightside");
    expect(internet.spotify.tokensIssued()).toBe(issued + 1);
  });

  it("renews before the stated expiry instead of sending a dying token", async () => {
    // A 2-second token is renewed whenever under half its life remains, so back-to-back calls after
    // a second each use a fresh token and Spotify never answers 401.
    const shortLived = await startFakeInternet({ songs: [SONG], tokenLifetimeSeconds: 2 });
    const restore = shortLived.installGlobalHttpsAgent();
    try {
      const client = createSpotify({ ...shortLived.credentials, logger });
      await client.track(SONG.spotifyId);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await client.track(SONG.spotifyId);
      expect(shortLived.spotify.tokensIssued()).toBe(2);
      expect(shortLived.calls.filter((c) => c.host === "api.spotify.com")).toHaveLength(2);
    } finally {
      restore();
      restoreAgent = internet.installGlobalHttpsAgent();
      await shortLived.close();
    }
  });

  it("waits out a short Retry-After on 429 and succeeds", async () => {
    internet.inject("api.spotify.com", "/v1/tracks/", {
      status: 429,
      headers: { "retry-after": "1", "content-type": "application/json" },
      body: JSON.stringify({ error: { status: 429, message: "API rate limit exceeded" } }),
    });
    const track = await spotify.track(SONG.spotifyId);
    expect(track.id).toBe(SONG.spotifyId);
  });

  it("tells the user when to retry if Spotify asks for a long wait", async () => {
    internet.inject("api.spotify.com", "/v1/tracks/", {
      status: 429,
      headers: { "retry-after": "120", "content-type": "application/json" },
      body: JSON.stringify({ error: { status: 429, message: "API rate limit exceeded" } }),
    });
    const error = await failure(spotify.track(SONG.spotifyId));
    expect(error.code).toBe("rate-limited");
    expect(error.message).toContain("try again in 120 s");
  });

  it("retries a 500 and succeeds", async () => {
    internet.inject("api.spotify.com", "/v1/search", {
      status: 500,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ error: { status: 500, message: "Server error." } }),
    });
    const [track] = await spotify.search("The Killers", "Mr. Brightside");
    expect(track?.id).toBe(SONG.spotifyId);
  });

  it("gives a friendly error, in bounded time, when Spotify never answers", async () => {
    const client = createSpotify({
      ...internet.credentials,
      logger,
      timeoutMs: 300,
      retry: { retries: 1, baseDelayMs: 10 },
    });
    internet.inject("api.spotify.com", "/v1/tracks/", { hang: true }, { hang: true });
    const error = await failure(client.track(SONG.spotifyId));
    expect(error.code).toBe("spotify-unavailable");
  });

  it("gives a friendly error on malformed JSON", async () => {
    internet.inject("api.spotify.com", "/v1/tracks/", {
      status: 200,
      headers: { "content-type": "application/json" },
      body: '{"album": {"name": "Hot Fu',
    });
    const error = await failure(spotify.track(SONG.spotifyId));
    expect(error.code).toBe("spotify-unavailable");
  });

  it("reports rejected credentials as Spotify being unavailable, not as a missing song", async () => {
    const client = createSpotify({ clientId: "wrong", clientSecret: "wrong", logger });
    const error = await failure(client.search("The Killers", "Mr. Brightside"));
    expect(error.code).toBe("spotify-unavailable");
  });

  it("reports an unknown track id as not found", async () => {
    const error = await failure(spotify.track("0000000000000000000000"));
    expect(error.code).toBe("not-found");
  });
});

describe("links", () => {
  it("accepts every Spotify link form", async () => {
    const id = SONG.spotifyId;
    const forms = [
      `https://open.spotify.com/track/${id}`,
      `https://open.spotify.com/track/${id}?si=1a2b3c4d5e6f`,
      `https://open.spotify.com/intl-de/track/${id}`,
      `https://open.spotify.com/intl-pt-BR/track/${id}?si=x&context=y`,
      `http://open.spotify.com/track/${id}/`,
      `<https://open.spotify.com/track/${id}>`,
      `spotify:track:${id}`,
      `  spotify:track:${id}  `,
      id,
    ];
    for (const form of forms) expect((await spotify.track(form)).id, form).toBe(id);
    expect(parseSpotifyLink(`https://open.spotify.com/playlist/${PLAYLIST_ID}?si=z`)).toEqual({
      kind: "playlist",
      id: PLAYLIST_ID,
    });
    expect(parseSpotifyLink(`spotify:album:${ALBUM_ID}`)).toEqual({ kind: "album", id: ALBUM_ID });
  });

  it("rejects junk links with a bad-link error and no request", async () => {
    const junk = [
      "https://open.spotify.com/track/short",
      "https://evil.example/track/3n3Ppam7vgaVa1iaRUc9Lp",
      "https://open.spotify.com.evil.example/track/3n3Ppam7vgaVa1iaRUc9Lp",
      "spotify:artist:0C0XlULifJtAgn6ZNCW2eu",
      "ftp://open.spotify.com/track/3n3Ppam7vgaVa1iaRUc9Lp",
      "https://open.spotify.com/artist/0C0XlULifJtAgn6ZNCW2eu",
      "not a link at all",
    ];
    const before = internet.calls.length;
    for (const link of junk) {
      expect(parseSpotifyLink(link), link).toBeUndefined();
      const error = await failure(spotify.track(link));
      expect(error.code, link).toBe("bad-link");
    }
    const collectionError = await failure(
      spotify.collection(`https://open.spotify.com/track/${SONG.spotifyId}`),
    );
    expect(collectionError.code).toBe("bad-link");
    expect(internet.calls.length).toBe(before);
  });
});

describe("collections", () => {
  it("pages through a 230-track playlist with /items, 50 at a time, skipping removed, local and episode entries", async () => {
    const before = internet.calls.length;
    const pages: number[] = [];
    const { name, tracks } = await spotify.collection(
      `https://open.spotify.com/playlist/${PLAYLIST_ID}`,
      (page) => pages.push(page.length),
    );
    expect(name).toBe("Two hundred and thirty");
    expect(tracks.map((t) => t.id)).toEqual(OTHERS.map((s) => s.spotifyId));
    expect(pages.reduce((a, b) => a + b, 0)).toBe(230);
    // 233 entries: four full pages of 50 and one of 33.
    expect(pages.length).toBe(5);
    const paths = internet.calls.slice(before).map((c) => c.url.pathname);
    expect(paths.filter((p) => p.endsWith("/items"))).toHaveLength(5);
    expect(paths.filter((p) => p.endsWith("/tracks"))).toEqual([]);
  });

  it("tells the member, in one sentence, what the owner of a playlist Spotify won't show can do", async () => {
    // Development Mode: a client-credentials token has no user, so it owns no playlist.
    internet.spotify.setExtendedQuota(false);
    try {
      const error = await failure(spotify.collection(`https://open.spotify.com/playlist/${PLAYLIST_ID}`));
      expect(error.code).toBe("spotify-forbidden");
      expect(error.message).toBe(
        "Spotify only lets genrebot read playlists it may edit: the playlist's owner can make it collaborative, or you can paste an album link instead.",
      );
      // Albums are unaffected.
      expect((await spotify.collection(`spotify:album:${ALBUM_ID}`)).tracks).toHaveLength(60);
    } finally {
      internet.spotify.setExtendedQuota(true);
    }
  });

  it("pages through an album, carrying the album's name and art onto its tracks", async () => {
    const { name, tracks } = await spotify.collection(`spotify:album:${ALBUM_ID}`);
    expect(name).toBe("Sixty");
    expect(tracks.map((t) => t.id)).toEqual(OTHERS.slice(0, 60).map((s) => s.spotifyId));
    expect(tracks[59]?.album).toBe("Sixty");
    expect(tracks[59]?.artworkUrl).toMatch(/^https:\/\/i\.scdn\.co\//);
  });
});

describe("autocomplete", () => {
  it("answers by the deadline when Spotify is slow, then serves the late answer from the cache", async () => {
    const cache = new Keyv();
    const client = createSpotify({ ...internet.credentials, logger, cache, suggestDeadlineMs: 300 });
    await client.track(SONG.spotifyId); // token in hand, so only the search is slow
    internet.inject("api.spotify.com", "/v1/search", { delayMs: 2000 });
    const started = Date.now();
    expect(await client.suggest("brightside")).toEqual([]);
    expect(Date.now() - started).toBeLessThan(300 + 900);
    // The slow request keeps running and fills the cache.
    await expect.poll(() => cache.get("suggest:brightside"), { timeout: 10_000 }).toBeTruthy();
    const before = internet.calls.length;
    const second = await client.suggest("Brightside");
    expect(second.map((t) => t.title)).toEqual(["Mr. Brightside"]);
    expect(searches(before)).toHaveLength(0);
  });

  it("returns nothing rather than failing when Spotify errors", async () => {
    const client = createSpotify({ ...internet.credentials, logger, retry: { retries: 0 } });
    internet.inject("api.spotify.com", "/v1/search", { status: 503, body: "" });
    const before = internet.calls.length;
    expect(await client.suggest("brightside")).toEqual([]);
    expect(searches(before)).toHaveLength(1);
  });
});

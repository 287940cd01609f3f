import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAllowedHost, type Provider } from "../src/http/index.js";
import { createDeezer } from "../src/previews/deezer.js";
import { searchItunes } from "../src/previews/itunes.js";
import { type FakeInternet, type FakeSong, fakeSpotifyId, startFakeInternet } from "./fakes/index.js";

/**
 * Real Deezer and iTunes answers, as published (test/fixtures/providers/README.md says where each
 * came from), against genrebot's parsers and its fakes: the parsers read what the real services
 * send, the fakes send every field the parsers read with the same JSON types, and every real
 * preview URL is one the downloader's allow-list accepts.
 */

const FIXTURES = path.resolve(import.meta.dirname, "fixtures/providers");
const load = (file: string): unknown => JSON.parse(readFileSync(path.join(FIXTURES, file), "utf8"));

type DeezerTrackBody = {
  id: number;
  title: string;
  duration: number;
  preview: string;
  artist: { name: string };
};
/** What /track/{id} adds to a search hit: the page, the ISRC, the album and every credited artist. */
type DeezerFullTrackBody = DeezerTrackBody & {
  isrc: string;
  link: string;
  album: { title: string; cover_medium: string };
  contributors: Array<{ name: string }>;
};
type DeezerSearchBody = { data: DeezerTrackBody[] };
type ItunesBody = {
  results: Array<{ trackName: string; artistName: string; trackTimeMillis: number; previewUrl: string }>;
};

const DEEZER_TRACKS = ["deezer/track-3135556.json", "deezer/track-1425844092.json"];
const DEEZER_SEARCHES = ["deezer/search-soliloquy.json", "deezer/search-starboy.json"];
const ITUNES_SEARCHES = [
  "itunes/search-jack-johnson-saltTest.json",
  "itunes/search-jack-johnson-data-js.json",
];

/** The fields genrebot's Deezer and iTunes parsers read (src/previews/deezer.ts, itunes.ts). */
const DEEZER_READS = ["id", "title", "duration", "preview", "artist.name"];
const ITUNES_READS = ["trackName", "artistName", "trackTimeMillis", "previewUrl"];

/** `path` → JSON type of the value there, for each path read. */
function shape(value: unknown, paths: string[]): Record<string, string> {
  return Object.fromEntries(
    paths.map((p) => {
      const found = p
        .split(".")
        .reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);
      return [p, found === null ? "null" : typeof found];
    }),
  );
}

const SONG: FakeSong = {
  spotifyId: fakeSpotifyId(1, "fixture"),
  title: "Harder Better Faster Stronger",
  artists: ["Daft Punk"],
  durationMs: 224_000,
  isrc: "GBDUW0000059",
  deezer: { id: 3135556, previewFile: "/dev/null" },
  itunes: { trackId: 263301273, previewFile: "/dev/null.m4a" },
};

let internet: FakeInternet;
beforeAll(async () => {
  internet = await startFakeInternet({ songs: [SONG] });
});
afterAll(async () => {
  await internet?.close();
});

const http = () => ({ dispatcher: internet.dispatcher, retry: { retries: 0 } });
const serveOnce = (host: string, pathPrefix: string, body: unknown) =>
  internet.inject(host, pathPrefix, {
    status: 200,
    headers: { "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify(body),
  });

async function fakeJson(url: string): Promise<unknown> {
  const { fetch } = await import("undici");
  return (await fetch(url, { dispatcher: internet.dispatcher })).json();
}

describe("genrebot's parsers read the real answers", () => {
  it.each(DEEZER_TRACKS)("Deezer /track/{id} and /track/isrc:{isrc}: %s", async (file) => {
    const body = load(file) as DeezerFullTrackBody;
    const expected = {
      id: body.id,
      title: body.title,
      duration: body.duration,
      preview: body.preview,
      artist: { name: body.artist.name },
      link: body.link,
      isrc: body.isrc,
      album: { title: body.album.title, cover: body.album.cover_medium },
      contributors: body.contributors.map((c) => c.name),
    };
    const deezer = createDeezer({ http: http() });
    serveOnce("api.deezer.com", `/track/${body.id}`, body);
    expect(await deezer.byId(body.id)).toEqual(expected);
    serveOnce("api.deezer.com", "/track/isrc:", body);
    expect(await deezer.byIsrc(body.isrc)).toEqual(expected);
  });

  it.each(DEEZER_SEARCHES)("Deezer /search: %s", async (file) => {
    const body = load(file) as DeezerSearchBody;
    serveOnce("api.deezer.com", "/search", body);
    const hits = await createDeezer({ http: http() }).search("any", "thing");
    expect(hits.map((h) => [h.id, h.title, h.duration, h.preview, h.artist.name])).toEqual(
      body.data.map((d) => [d.id, d.title, d.duration, d.preview, d.artist.name]),
    );
  });

  it("Deezer's 'no data' error (HTTP 200 or 404 with an error object) is a miss, not a failure", async () => {
    serveOnce("api.deezer.com", "/track/", load("deezer/error-no-data.json"));
    expect(await createDeezer({ http: http() }).byId(1)).toBeUndefined();
  });

  it.each(ITUNES_SEARCHES)("iTunes /search: %s", async (file) => {
    const body = load(file) as ItunesBody;
    serveOnce("itunes.apple.com", "/search", body);
    const songs = await searchItunes("any", "thing", http());
    expect(songs).toEqual(
      body.results.map((r) => ({
        trackName: r.trackName,
        artistName: r.artistName,
        trackTimeMillis: r.trackTimeMillis,
        previewUrl: r.previewUrl,
      })),
    );
  });
});

describe("the fakes send every field the parsers read, typed as the real services type it", () => {
  it("Deezer /track/{id}, /track/isrc:{isrc} and /search", async () => {
    const realTrack = shape(load(DEEZER_TRACKS[0] ?? ""), DEEZER_READS);
    expect(Object.values(realTrack)).not.toContain("undefined");
    expect(shape(await fakeJson("https://api.deezer.com/track/3135556"), DEEZER_READS)).toEqual(realTrack);
    expect(shape(await fakeJson("https://api.deezer.com/track/isrc:GBDUW0000059"), DEEZER_READS)).toEqual(
      realTrack,
    );
    for (const file of DEEZER_TRACKS) expect(shape(load(file), DEEZER_READS)).toEqual(realTrack);

    const fakeSearch = (await fakeJson(
      `https://api.deezer.com/search?q=${encodeURIComponent('artist:"Daft Punk" track:"Harder"')}`,
    )) as DeezerSearchBody;
    expect(fakeSearch.data.length).toBeGreaterThan(0);
    for (const file of DEEZER_SEARCHES) {
      for (const item of (load(file) as DeezerSearchBody).data) {
        expect(shape(fakeSearch.data[0], DEEZER_READS)).toEqual(shape(item, DEEZER_READS));
      }
    }
  });

  it("iTunes /search", async () => {
    const fake = (await fakeJson(
      "https://itunes.apple.com/search?term=daft+punk+harder&entity=song",
    )) as ItunesBody;
    expect(fake.results.length).toBeGreaterThan(0);
    for (const file of ITUNES_SEARCHES) {
      for (const result of (load(file) as ItunesBody).results) {
        expect(shape(fake.results[0], ITUNES_READS)).toEqual(shape(result, ITUNES_READS));
        expect(Object.values(shape(result, ITUNES_READS))).not.toContain("undefined");
      }
    }
  });
});

describe("every real preview URL passes the download allow-list", () => {
  const previews: Array<[Provider, string]> = [
    ...DEEZER_TRACKS.map((f): [Provider, string] => ["deezer", (load(f) as DeezerTrackBody).preview]),
    ...DEEZER_SEARCHES.flatMap((f) =>
      (load(f) as DeezerSearchBody).data.map((d): [Provider, string] => ["deezer", d.preview]),
    ),
    ...ITUNES_SEARCHES.flatMap((f) =>
      (load(f) as ItunesBody).results.map((r): [Provider, string] => ["itunes", r.previewUrl]),
    ),
  ];

  it.each(previews)("%s %s", (provider, url) => {
    const parsed = new URL(url);
    expect(parsed.protocol).toBe("https:");
    expect(isAllowedHost(provider, "audio", parsed.hostname)).toBe(true);
  });
});

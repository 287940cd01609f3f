import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import KeyvSqlite from "@keyv/sqlite";
import Keyv from "keyv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "../src/config.js";
import { createLogger } from "../src/log.js";
import { openServices, type Services } from "../src/service/open.js";
import {
  emotifyClip,
  type FakeInternet,
  type FakeSong,
  fakeSpotifyId,
  startFakeInternet,
} from "./fakes/index.js";
import { type PrivateRedis, startPrivateRedis } from "./helpers/redis.js";

/**
 * openServices keeps the preview resolver's and autocomplete's caches on the catalog's own store,
 * so a restarted bot neither searches Deezer again for a track whose preview it already found nor
 * asks Spotify again for a suggestion it already has. Real services, real SQLite file / real
 * redis-server, fake Spotify and Deezer on loopback.
 */

const SONG: FakeSong = {
  spotifyId: fakeSpotifyId(3, "svc"),
  title: "Lantern Hymn",
  artists: ["Ada Moss"],
  durationMs: 198_000,
  isrc: "GBSVC2600003",
  // No Spotify preview: the first resolution has to look the ISRC up on Deezer.
  deezer: { id: 3003, previewFile: emotifyClip("pop", 3) },
};

const logger = createLogger("silent");
let internet: FakeInternet;
let restoreHttps: () => void;
let dir: string;
let redis: PrivateRedis;

beforeAll(async () => {
  internet = await startFakeInternet({ songs: [SONG] });
  restoreHttps = internet.installGlobalHttpsAgent();
  dir = mkdtempSync(path.join(tmpdir(), "genrebot-service-"));
  redis = await startPrivateRedis();
}, 60_000);

afterAll(async () => {
  await redis?.dispose();
  restoreHttps?.();
  await internet?.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(storeUrl: string): Promise<Services> {
  const config = readConfig(
    {
      SPOTIFY_CLIENT_ID: internet.credentials.clientId,
      SPOTIFY_CLIENT_SECRET: internet.credentials.clientSecret,
      STORE_URL: storeUrl,
      MODEL_DIR: process.env.MODEL_DIR,
    },
    ["spotify"],
  );
  return openServices(config, { lookups: true, logger, dispatcher: internet.dispatcher, poolSize: 1 });
}

function pathsSince(from: number, host: string): string[] {
  return internet.calls
    .slice(from)
    .filter((call) => call.host === host)
    .map((call) => decodeURIComponent(call.path));
}

describe.each([
  ["SQLite", () => `sqlite://${path.join(dir, "catalog.sqlite")}`],
  ["Redis", () => redis.url],
])("caches on the catalog's store (%s)", (_name, storeUrl) => {
  it("keep resolved preview sources and autocomplete answers across a restart", async () => {
    const first = await open(storeUrl());
    let suggested: unknown;
    let track: Awaited<ReturnType<Services["service"]["find"]>>;
    try {
      // The first keystroke may miss autocomplete's deadline; its answer still lands in the cache.
      await expect
        .poll(async () => (suggested = await first.finder?.suggest("lantern hymn")), { timeout: 20_000 })
        .toEqual([expect.objectContaining({ id: SONG.spotifyId })]);
      track = await first.service.find({ artist: "Ada Moss", song: "Lantern Hymn" });
      const before = internet.calls.length;
      const analysed = await first.service.analyzeTrack(track);
      expect(analysed.record.previewSource).toBe("deezer");
      // Found by ISRC (or search), not yet by id: this is the work the cache saves next time.
      expect(pathsSince(before, "api.deezer.com")).not.toEqual(["/track/3003"]);
    } finally {
      await first.close();
    }

    const second = await open(storeUrl());
    try {
      const before = internet.calls.length;
      expect(await second.finder?.suggest("Lantern Hymn")).toEqual(suggested);
      const again = await second.service.analyzeTrack(track);
      expect(again.record.previewSource).toBe("deezer");
      expect(again.reused).toBe(true);
      expect(pathsSince(before, "api.spotify.com").filter((p) => p.startsWith("/v1/search"))).toEqual([]);
      expect(pathsSince(before, "api.deezer.com")).toEqual(["/track/3003"]);
      // The caches' namespaces stay out of the catalog.
      expect(second.service.catalogSize()).toBe(1);
    } finally {
      await second.close();
    }
  }, 180_000);
});

describe("SQLite cache housekeeping", () => {
  it("sweeps expired cache entries from the catalog file when the services open", async () => {
    const storeUrl = `sqlite://${path.join(dir, "sweep.sqlite")}`;
    const adapter = new KeyvSqlite({ uri: storeUrl });
    const stale = new Keyv({ store: adapter, namespace: "genrebot-suggestions" });
    await stale.set("suggest:long gone", [], 1);
    await stale.set("suggest:still fresh", [], 60_000);
    const rows = async () =>
      (
        (await adapter.query(
          `SELECT key FROM keyv WHERE key LIKE 'genrebot-suggestions:%' ORDER BY key`,
        )) as Array<{
          key: string;
        }>
      ).map((row) => row.key);
    expect(await rows()).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 5));

    const services = await open(storeUrl);
    try {
      await expect.poll(rows, { timeout: 10_000 }).toEqual(["genrebot-suggestions:suggest:still fresh"]);
    } finally {
      await services.close();
      await adapter.disconnect();
    }
  }, 120_000);
});

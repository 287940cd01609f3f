import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { getGlobalDispatcher, setGlobalDispatcher } from "undici";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openCatalog, type TrackRecord } from "../src/catalog/index.js";
import { run } from "../src/cli/reindex.js";
import { clipSongs, SILENT_SONG } from "./fakes/discord/harness.js";
import { type FakeInternet, startFakeInternet } from "./fakes/index.js";
import {
  olderModelRecord,
  randomUnitVector,
  seededRandom,
  syntheticRecord,
} from "./helpers/catalog-records.js";
import { type PrivateRedis, startPrivateRedis } from "./helpers/redis.js";

/**
 * `genrebot reindex` against the fake Spotify/Deezer/iTunes with a real SQLite catalog and the real
 * models: records an older model made are re-analysed in place; those whose audio is gone are kept.
 */
const OLD_MODEL = "old-model-32d";
const SONGS = clipSongs(1).slice(0, 2);
const GUILD = "111111111111111111";
const random = seededRandom(12);

const oldRecord = (n: number, song: Parameters<typeof olderModelRecord>[1]) =>
  olderModelRecord(n, song, { modelVersion: OLD_MODEL, server: GUILD, random });

const OLD: TrackRecord[] = [
  ...SONGS.map((song, i) => oldRecord(i + 1, song)),
  // No service has audio for it any more.
  oldRecord(5, SILENT_SONG),
  // An upload: its audio was never kept.
  syntheticRecord(6, randomUnitVector(32, random), {
    id: "file:0123456789abcdef01234567",
    modelVersion: OLD_MODEL,
    previewSource: "upload",
  }),
];

describe.each(["sqlite", "redis"])(
  "genrebot reindex on %s (end to end against the fake services)",
  (store) => {
    let internet: FakeInternet;
    let restoreHttps: () => void;
    let redis: PrivateRedis | undefined;
    const previousDispatcher = getGlobalDispatcher();
    const dir = mkdtempSync(path.join(tmpdir(), "genrebot-reindex-"));
    let storeUrl = `sqlite://${path.join(dir, "catalog.sqlite")}`;

    async function stored(): Promise<Map<string, TrackRecord>> {
      const catalog = await openCatalog({ storeUrl, modelVersion: OLD_MODEL });
      try {
        const records = await Promise.all(OLD.map((r) => catalog.get(r.id)));
        return new Map(records.flatMap((r) => (r ? [[r.id, r] as const] : [])));
      } finally {
        await catalog.close();
      }
    }

    async function reindex(): Promise<{ code: number; out: string }> {
      const printed: string[] = [];
      const spy = vi
        .spyOn(console, "log")
        .mockImplementation((line: unknown) => void printed.push(String(line)));
      const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
      try {
        return { code: await run([]), out: printed.join("\n") };
      } finally {
        spy.mockRestore();
        stderr.mockRestore();
      }
    }

    beforeAll(async () => {
      if (store === "redis") {
        redis = await startPrivateRedis();
        storeUrl = redis.url;
      }
      internet = await startFakeInternet({ songs: [...SONGS, SILENT_SONG] });
      restoreHttps = internet.installGlobalHttpsAgent();
      setGlobalDispatcher(internet.dispatcher);
      vi.stubEnv("SPOTIFY_CLIENT_ID", internet.credentials.clientId);
      vi.stubEnv("SPOTIFY_CLIENT_SECRET", internet.credentials.clientSecret);
      vi.stubEnv("STORE_URL", storeUrl);
      vi.stubEnv("MODEL_DIR", "");
      vi.stubEnv("LOG_LEVEL", "silent");
      const catalog = await openCatalog({ storeUrl, modelVersion: OLD_MODEL });
      for (const record of OLD) await catalog.put(record);
      await catalog.close();
    });

    afterAll(async () => {
      vi.unstubAllEnvs();
      setGlobalDispatcher(previousDispatcher);
      restoreHttps();
      await internet.close();
      await redis?.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it("re-analyses older-model records in place and keeps the ones whose audio is gone", async () => {
      const { code, out } = await reindex();
      expect(out).toMatch(/Done: 4 of 4 older-model tracks looked at/);
      expect(out).toMatch(/2 re-analysed with model \S+, 0 already current, 2 kept as they were/);
      expect(out).toMatch(/catalog now holds 2 current tracks; 2 still need re-analysis/);
      expect(code).toBe(0);

      const after = await stored();
      for (const old of OLD.slice(0, 2)) {
        const record = after.get(old.id);
        expect(record?.modelVersion).not.toBe(OLD_MODEL);
        expect(Array.from(record?.embedding ?? [])).not.toEqual(Array.from(old.embedding));
        // Identity and history kept: same id, title, servers, first indexedAt.
        expect(record).toMatchObject({
          id: old.id,
          title: old.title,
          heardIn: old.heardIn,
          indexedAt: old.indexedAt,
        });
        expect(Date.parse(record?.reanalysedAt ?? "")).toBeGreaterThan(Date.parse(old.indexedAt));
        expect(record?.previewSource).toBe("deezer");
      }
      // Never deleted: the records without audio are exactly as they were.
      for (const old of OLD.slice(2)) expect(after.get(old.id)).toEqual(old);
    }, 300_000);

    it("resumes: a second run only looks at what is still stale and rewrites nothing done", async () => {
      const before = await stored();
      const { code, out } = await reindex();
      expect(out).toMatch(/Done: 2 of 2 older-model tracks looked at/);
      expect(out).toMatch(/0 re-analysed with model \S+, 0 already current, 2 kept as they were/);
      expect(code).toBe(0);
      expect(await stored()).toEqual(before);
    }, 300_000);
  },
);

import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createClient } from "@keyv/redis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Catalog, openCatalog, type TrackRecord } from "../src/catalog/index.js";
import { encodeRecord } from "../src/catalog/record.js";
import { openStore } from "../src/catalog/store.js";
import { createLogger } from "../src/log.js";
import {
  dot,
  gaussian,
  normalise,
  randomUnitVector,
  seededRandom,
  syntheticId,
  syntheticRecord,
} from "./helpers/catalog-records.js";
import { type PrivateRedis, startPrivateRedis } from "./helpers/redis.js";

const MODEL = "test-model-1";
const DIMS = 48;

/** A logger whose warnings the test can read. */
function capturingLogger() {
  const lines: Array<{ msg: string; key?: string; reason?: string }> = [];
  const logger = createLogger("warn", { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

/** A unit vector whose cosine with the unit vector `base` is exactly `cosine` (before float32 rounding). */
function atCosine(base: Float32Array, cosine: number, random: () => number): Float32Array {
  const noise = Float32Array.from(base, () => gaussian(random));
  const along = dot(noise, base);
  const orthogonal = normalise(noise.map((v, i) => v - along * (base[i] ?? 0)));
  return normalise(base.map((v, i) => cosine * v + Math.sqrt(1 - cosine ** 2) * (orthogonal[i] ?? 0)));
}

interface Backend {
  name: string;
  setup(): Promise<void>;
  /** A store URL with no records in it. */
  freshUrl(): Promise<string>;
  teardown(): Promise<void>;
}

const sqlite: Backend = (() => {
  let dir = "";
  let n = 0;
  return {
    name: "sqlite",
    async setup() {
      dir = mkdtempSync(path.join(os.tmpdir(), "genrebot-catalog-"));
    },
    async freshUrl() {
      n++;
      return `sqlite://${path.join(dir, `store-${n}`, "catalog.sqlite")}`;
    },
    async teardown() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
})();

const redis: Backend = (() => {
  let server: PrivateRedis | undefined;
  return {
    name: "redis",
    async setup() {
      server = await startPrivateRedis();
    },
    async freshUrl() {
      if (!server) throw new Error("redis not started");
      const client = createClient({ url: server.url });
      await client.connect();
      await client.flushAll();
      client.destroy();
      return server.url;
    },
    async teardown() {
      await server?.dispose();
    },
  };
})();

describe.each([sqlite, redis])("catalog on $name", (backend) => {
  let url: string;
  const open: Catalog[] = [];
  async function openFresh(
    options: { modelVersion?: string; logger?: ReturnType<typeof createLogger> } = {},
  ) {
    const catalog = await openCatalog({
      storeUrl: url,
      modelVersion: options.modelVersion ?? MODEL,
      logger: options.logger ?? capturingLogger().logger,
    });
    open.push(catalog);
    return catalog;
  }

  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    url = await backend.freshUrl();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });

  it("returns exactly what was put, embedding bytes included", async () => {
    const catalog = await openFresh();
    const record = syntheticRecord(1, randomUnitVector(DIMS, seededRandom(1)));
    await catalog.put(record);
    const back = await catalog.get(record.id);
    expect(back).toBeDefined();
    const { embedding, ...rest } = back as TrackRecord;
    const { embedding: original, ...originalRest } = record;
    expect(rest).toEqual(originalRest);
    expect(Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength)).toEqual(
      Buffer.from(original.buffer, original.byteOffset, original.byteLength),
    );
    expect(await catalog.get("not-there")).toBeUndefined();
    // The in-memory copy that similar() answers from is the same record too.
    expect(catalog.similar(record.embedding, { k: 1 })[0]?.record).toEqual(record);
  });

  it("treats a re-put as an update, not a second track", async () => {
    const catalog = await openFresh();
    const random = seededRandom(2);
    const first = syntheticRecord(7, randomUnitVector(DIMS, random), { topGenre: "rock" });
    await catalog.put(first);
    await catalog.put(first);
    expect(catalog.size()).toBe(1);

    const moved = randomUnitVector(DIMS, random);
    const updated = { ...first, title: "Renamed", topGenre: "pop", embedding: moved };
    await catalog.put(updated);
    expect(catalog.size()).toBe(1);
    expect((await catalog.get(first.id))?.title).toBe("Renamed");

    // The index follows the update: a query at the new position finds it, under its new genre.
    const [hit] = catalog.similar(moved, { k: 1 });
    expect(hit?.record.id).toBe(first.id);
    expect(hit?.record.topGenre).toBe("pop");
    expect(hit?.score).toBeCloseTo(1, 5);
  });

  it("keeps records of another model version out of similarity but still returns them", async () => {
    const catalog = await openFresh();
    const random = seededRandom(3);
    const current = syntheticRecord(1, randomUnitVector(DIMS, random));
    const old = syntheticRecord(2, current.embedding.slice(), { modelVersion: "test-model-0" });
    await catalog.put(current);
    await catalog.put(old);

    expect(catalog.size()).toBe(1);
    expect(catalog.staleCount()).toBe(1);
    const stored = await catalog.get(old.id);
    expect(stored?.modelVersion).toBe("test-model-0");
    expect(catalog.isCurrent(stored as TrackRecord)).toBe(false);
    expect(catalog.isCurrent(current)).toBe(true);
    // Identical vector, but from another model: never a neighbour.
    expect(catalog.similar(current.embedding, { k: 5 }).map((n) => n.record.id)).toEqual([current.id]);
    expect(() => catalog.similar(old, { k: 5 })).toThrow(/model/);

    // Re-analysed with the current model, it becomes searchable.
    await catalog.put({ ...old, modelVersion: MODEL });
    expect(catalog.size()).toBe(2);
    expect(catalog.staleCount()).toBe(0);
  });

  it("orders neighbours by cosine similarity and scores them by it", async () => {
    const catalog = await openFresh();
    const random = seededRandom(4);
    const query = syntheticRecord(0, randomUnitVector(DIMS, random));
    const cosines = [0.2, 0.95, -0.5, 0.6, 0.8, 0.1, 0.4];
    const others = cosines.map((c, i) => syntheticRecord(i + 1, atCosine(query.embedding, c, random)));
    await catalog.put(query);
    for (const record of others) await catalog.put(record);

    const result = catalog.similar(query, { k: 4 });
    const expected = [...others].sort(
      (a, b) => dot(b.embedding, query.embedding) - dot(a.embedding, query.embedding),
    );
    expect(result.map((n) => n.record.id)).toEqual(expected.slice(0, 4).map((r) => r.id));
    for (const { record, score } of result) {
      expect(score).toBeCloseTo(dot(record.embedding, query.embedding), 5);
    }
    expect(result.map((n) => n.record.id)).not.toContain(query.id);
    // Asking for more than exist yields everything else, still ordered.
    expect(catalog.similar(query, { k: 50 }).map((n) => n.record.id)).toEqual(expected.map((r) => r.id));
  });

  it("never recommends the query again under another id, ISRC or release title", async () => {
    const catalog = await openFresh();
    const random = seededRandom(5);
    const query = syntheticRecord(0, randomUnitVector(DIMS, random), {
      title: "Déjà Vu",
      artists: ["Beyoncé", "Jay-Z"],
      isrc: "USSM10603618",
    });
    const near = (cosine: number) => atCosine(query.embedding, cosine, random);
    const sameIsrc = syntheticRecord(1, near(0.999), { isrc: "ussm10603618", title: "Deja Vu (Live)" });
    const remaster = syntheticRecord(2, near(0.998), {
      title: "Deja Vu - Remastered 2011",
      artists: ["BEYONCE"],
      isrc: "USSM11111111",
    });
    const featuring = syntheticRecord(3, near(0.997), {
      title: "Déjà vu (feat. Jay-Z)",
      artists: ["Jay Z", "Jay-Z"],
      isrc: undefined,
    });
    const coverByOthers = syntheticRecord(4, near(0.99), { title: "Déjà Vu", artists: ["Someone Else"] });
    const fillers = [0.9, 0.8, 0.7, 0.6].map((c, i) => syntheticRecord(10 + i, near(c)));
    for (const record of [query, sameIsrc, remaster, featuring, coverByOthers, ...fillers]) {
      await catalog.put(record);
    }

    const ids = catalog.similar(query, { k: 5 }).map((n) => n.record.id);
    // A cover by other artists is a different recording: allowed, and the nearest one left.
    expect(ids).toEqual([coverByOthers, ...fillers].map((r) => r.id));
  });

  it("still returns k neighbours with sameGenre and excludeArtist", async () => {
    const catalog = await openFresh();
    const random = seededRandom(6);
    const query = syntheticRecord(0, randomUnitVector(DIMS, random), { topGenre: "rock", artists: ["Solo"] });
    await catalog.put(query);
    // The 30 nearest are all pop or by the query's artist; rock by others only further away.
    for (let i = 1; i <= 30; i++) {
      const sameArtist = i % 2 === 0;
      await catalog.put(
        syntheticRecord(i, atCosine(query.embedding, 0.95 - i * 0.001, random), {
          topGenre: sameArtist ? "rock" : "pop",
          artists: sameArtist ? ["Solo", "Guest"] : [`Pop ${i}`],
        }),
      );
    }
    for (let i = 31; i <= 45; i++) {
      await catalog.put(
        syntheticRecord(i, atCosine(query.embedding, 0.5 - i * 0.001, random), {
          topGenre: "rock",
          artists: [`Rock ${i}`],
        }),
      );
    }

    const both = catalog.similar(query, { k: 10, sameGenre: true, excludeArtist: true });
    expect(both).toHaveLength(10);
    for (const { record } of both) {
      expect(record.topGenre).toBe("rock");
      expect(record.artists).not.toContain("Solo");
    }
    expect(both.map((n) => n.record.id)).toEqual(Array.from({ length: 10 }, (_, i) => syntheticId(31 + i)));

    const sameGenre = catalog.similar(query, { k: 10, sameGenre: true });
    expect(sameGenre).toHaveLength(10);
    expect(sameGenre.every((n) => n.record.topGenre === "rock")).toBe(true);
    expect(sameGenre.some((n) => n.record.artists.includes("Solo"))).toBe(true);

    const otherArtists = catalog.similar(query, { k: 10, excludeArtist: true });
    expect(otherArtists).toHaveLength(10);
    expect(otherArtists.every((n) => n.record.topGenre === "pop")).toBe(true);
  });

  it("reloads the index from the store after a restart", async () => {
    const random = seededRandom(7);
    const records = Array.from({ length: 120 }, (_, i) => syntheticRecord(i, randomUnitVector(DIMS, random)));
    const first = await openFresh();
    for (const record of records) await first.put(record);
    const query = records[0] as TrackRecord;
    const before = first.similar(query, { k: 10 });
    await first.close();

    const second = await openFresh();
    expect(second.size()).toBe(records.length);
    const after = second.similar(query, { k: 10 });
    expect(after.map((n) => n.record.id)).toEqual(before.map((n) => n.record.id));
    expect(after.map((n) => n.score)).toEqual(before.map((n) => n.score));
  });

  it("skips a corrupt or truncated record when loading, and keeps the rest", async () => {
    const random = seededRandom(8);
    const good = Array.from({ length: 5 }, (_, i) => syntheticRecord(i, randomUnitVector(DIMS, random)));
    const truncated = syntheticRecord(99, randomUnitVector(DIMS, random));
    const { logger } = capturingLogger();
    const store = await openStore(url, { logger, timeoutMs: 2000 });
    for (const record of good) await store.set(record.id, encodeRecord(record));
    const encoded = encodeRecord(truncated);
    await store.set(truncated.id, encoded.slice(0, encoded.length / 2));
    await store.set("garbage", "\u0000not json at all");
    await store.set("wrong-id", encodeRecord(syntheticRecord(98, randomUnitVector(DIMS, random))));
    await store.close();

    const { logger: watched, lines } = capturingLogger();
    const catalog = await openFresh({ logger: watched });
    expect(catalog.size()).toBe(good.length);
    const skipped = lines.filter((l) => l.msg === "skipping unreadable catalog record").map((l) => l.key);
    expect(skipped.sort()).toEqual([truncated.id, "garbage", "wrong-id"].sort());
    expect(await catalog.get(truncated.id)).toBeUndefined();
    expect((await catalog.get(good[0]?.id ?? ""))?.title).toBe(good[0]?.title);
  });

  it("rejects a malformed record without storing anything", async () => {
    const catalog = await openFresh();
    const random = seededRandom(9);
    const record = syntheticRecord(1, randomUnitVector(DIMS, random));
    await expect(catalog.put({ ...record, embedding: new Float32Array(DIMS).fill(1) })).rejects.toThrow(
      /normalised/,
    );
    await expect(catalog.put({ ...record, genres: [] })).rejects.toThrow(/genres/);
    await catalog.put(record);
    await expect(catalog.put(syntheticRecord(2, randomUnitVector(DIMS + 1, random)))).rejects.toThrow(
      /dimensions/,
    );
    expect(catalog.size()).toBe(1);
    expect(await catalog.get(syntheticId(2))).toBeUndefined();
  });
});

describe("opening a catalog", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "genrebot-open-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const open = (storeUrl: string) =>
    openCatalog({ storeUrl, modelVersion: MODEL, logger: capturingLogger().logger });

  it("creates the SQLite file's folder", async () => {
    const catalog = await open(`sqlite://${path.join(dir, "new", "nested", "catalog.sqlite")}`);
    expect(catalog.size()).toBe(0);
    await catalog.close();
    expect(existsSync(path.join(dir, "new", "nested", "catalog.sqlite"))).toBe(true);
  });

  it("explains a STORE_URL it cannot use", async () => {
    await expect(open("postgres://localhost/genrebot")).rejects.toMatchObject({
      code: "store-url",
      message: expect.stringMatching(/STORE_URL must be sqlite:\/\/<file> or redis:\/\/<host>:<port>/),
    });
    const notADatabase = path.join(dir, "notes.txt");
    writeFileSync(notADatabase, "these are not the records you are looking for\n".repeat(100));
    await expect(open(`sqlite://${notADatabase}`)).rejects.toMatchObject({
      code: "store-open",
      message: expect.stringContaining(notADatabase),
    });
  });
});

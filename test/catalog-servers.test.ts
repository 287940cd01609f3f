import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient } from "@keyv/redis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Catalog, openCatalog } from "../src/catalog/index.js";
import { createLogger } from "../src/log.js";
import { randomUnitVector, seededRandom, syntheticRecord } from "./helpers/catalog-records.js";
import { type PrivateRedis, startPrivateRedis } from "./helpers/redis.js";

/**
 * Per-server catalogs on both stores: every record remembers which Discord servers heard it and
 * when; similar() and size() take a server's scope; a server forgets tracks, and a record is
 * deleted once no server has it; records stored before servers were recorded belong to none.
 */
const MODEL = "test-model-1";
const DIMS = 16;
const A = "111111111111111111";
const B = "222222222222222222";
const quiet = createLogger("silent");

const random = seededRandom(7);
const records = Array.from({ length: 8 }, (_, n) => syntheticRecord(n, randomUnitVector(DIMS, random)));
const [shared, onlyA, onlyA2, onlyB, onlyB2, old] = records as [
  (typeof records)[0],
  (typeof records)[0],
  (typeof records)[0],
  (typeof records)[0],
  (typeof records)[0],
  (typeof records)[0],
];

let dir: string;
let redis: PrivateRedis;
const opened: Catalog[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "genrebot-servers-"));
  redis = await startPrivateRedis();
});
afterAll(async () => {
  await redis.dispose();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close()));
});

let run = 0;
describe.each([
  ["SQLite", () => `sqlite://${path.join(dir, `catalog-${run}.sqlite`)}`],
  ["Redis", () => redis.url],
])("per-server catalogs (%s)", (_name, storeUrl) => {
  beforeEach(async () => {
    run++;
    const client = createClient({ url: redis.url });
    await client.connect();
    await client.flushAll();
    client.destroy();
  });

  async function open(): Promise<Catalog> {
    const catalog = await openCatalog({ storeUrl: storeUrl(), modelVersion: MODEL, logger: quiet });
    opened.push(catalog);
    return catalog;
  }

  /** Two servers: the shared track heard by both, two tracks each of their own. */
  async function twoServers(catalog: Catalog): Promise<void> {
    await catalog.put(shared, { heardIn: A });
    await catalog.put(onlyA, { heardIn: A });
    await catalog.put(onlyA2, { heardIn: A });
    await catalog.put(onlyB, { heardIn: B });
    await catalog.put(onlyB2, { heardIn: B });
    // B hears the shared track later: analysed again, the record keeps A and adds B.
    await catalog.put({ ...shared, indexedAt: new Date().toISOString() }, { heardIn: B });
  }

  it("two servers sharing a track: each server's similar() and size() see only its own tracks", async () => {
    const catalog = await open();
    await twoServers(catalog);
    const heardIn = (await catalog.get(shared.id))?.heardIn ?? {};
    expect(Object.keys(heardIn).sort()).toEqual([A, B]);
    expect(Number.isNaN(Date.parse(heardIn[A] ?? ""))).toBe(false);
    expect([catalog.size(A), catalog.size(B), catalog.size()]).toEqual([3, 3, 5]);

    const ids = (server?: string) =>
      catalog
        .similar(shared, { k: 10, server })
        .map((n) => n.record.id)
        .sort();
    expect(ids(A)).toEqual([onlyA.id, onlyA2.id].sort());
    expect(ids(B)).toEqual([onlyB.id, onlyB2.id].sort());
    expect(ids(undefined)).toEqual([onlyA.id, onlyA2.id, onlyB.id, onlyB2.id].sort());
    // Scores are the same exact cosine whichever way the scope was searched.
    const scoped = catalog.similar(onlyA, { k: 10, server: A });
    const everywhere = catalog.similar(onlyA, { k: 10 });
    for (const hit of scoped) {
      expect(everywhere.find((n) => n.record.id === hit.record.id)?.score).toBeCloseTo(hit.score, 6);
    }
  });

  it("forget: a shared track leaves one server's scope; deleted once its last server forgets it", async () => {
    const catalog = await open();
    await twoServers(catalog);
    expect(await catalog.forget(shared.id, A)).toBe("forgotten");
    expect(Object.keys((await catalog.get(shared.id))?.heardIn ?? {})).toEqual([B]);
    expect([catalog.size(A), catalog.size(B)]).toEqual([2, 3]);
    expect(catalog.similar(onlyA, { k: 10, server: A }).map((n) => n.record.id)).toEqual([onlyA2.id]);
    expect(await catalog.forget(shared.id, A)).toBe("not-heard");

    expect(await catalog.forget(shared.id, B)).toBe("deleted");
    expect(await catalog.get(shared.id)).toBeUndefined();
    expect(catalog.size()).toBe(4);
    expect(catalog.similar(onlyB, { k: 10 }).map((n) => n.record.id)).not.toContain(shared.id);
  });

  it("replace: a re-analysis keeps the servers stored now, and a track forgotten during it stays forgotten", async () => {
    const catalog = await open();
    await twoServers(catalog);
    // Re-analysed from a snapshot taken while A and B both had it; A forgets it meanwhile.
    const snapshot = (await catalog.get(shared.id)) as typeof shared;
    const reanalysed = {
      ...snapshot,
      embedding: randomUnitVector(DIMS, random),
      reanalysedAt: new Date().toISOString(),
    };
    expect(await catalog.forget(shared.id, A)).toBe("forgotten");
    expect(await catalog.replace(reanalysed)).toBe(true);
    const stored = await catalog.get(shared.id);
    expect(Object.keys(stored?.heardIn ?? {})).toEqual([B]);
    expect(Array.from(stored?.embedding ?? [])).toEqual(Array.from(reanalysed.embedding));
    expect(catalog.size(A)).toBe(2);

    // B forgets it too, while another re-analysis is on its way: queued in that order, nothing is written back.
    const [forgotten, replaced] = await Promise.all([
      catalog.forget(shared.id, B),
      catalog.replace(reanalysed),
    ]);
    expect([forgotten, replaced]).toEqual(["deleted", false]);
    expect(await catalog.get(shared.id)).toBeUndefined();
    const reopened = await open();
    expect(await reopened.get(shared.id)).toBeUndefined();
    expect(reopened.size()).toBe(4);
  });

  it("forgetServer: the whole history goes; tracks another server heard stay in its scope", async () => {
    const catalog = await open();
    await twoServers(catalog);
    expect(await catalog.forgetServer(A)).toBe(3);
    expect([catalog.size(A), catalog.size(B), catalog.size()]).toEqual([0, 3, 3]);
    expect(await catalog.get(onlyA.id)).toBeUndefined();
    expect(Object.keys((await catalog.get(shared.id))?.heardIn ?? {})).toEqual([B]);
  });

  it("survives a restart: scopes and forgets are read back from the store", async () => {
    const first = await open();
    await twoServers(first);
    await first.forget(onlyB.id, B);
    await first.close();
    const second = await open();
    expect([second.size(A), second.size(B), second.size()]).toEqual([3, 2, 4]);
    expect(second.idsOf(A).sort()).toEqual([shared.id, onlyA.id, onlyA2.id].sort());
    expect(await second.get(onlyB.id)).toBeUndefined();
  });

  it("migrates records stored before servers: they belong to no server until a server hears them", async () => {
    const first = await open();
    // The old layout: no heardIn at all (what every record before this change looks like).
    await first.put(old);
    await first.close();
    const catalog = await open();
    await twoServers(catalog);
    expect((await catalog.get(old.id))?.heardIn).toBeUndefined();
    expect(catalog.size()).toBe(6);
    expect(catalog.size(A)).toBe(3);
    expect(catalog.similar(shared, { k: 10, server: A }).map((n) => n.record.id)).not.toContain(old.id);
    expect(catalog.similar(shared, { k: 10 }).map((n) => n.record.id)).toContain(old.id);
    // Not a server's to forget: no server has it.
    expect(await catalog.forget(old.id, A)).toBe("not-heard");
    expect(await catalog.get(old.id)).toBeDefined();
    // Heard again in A (e.g. /similar on it): now it is A's.
    await catalog.hear(old.id, A);
    expect(catalog.size(A)).toBe(4);
    expect(Object.keys((await catalog.get(old.id))?.heardIn ?? {})).toEqual([A]);
  });
});

describe("server statistics", () => {
  it("count genres overall and by month, and find the exact closest pair, cached until the server changes", async () => {
    const catalog = await openCatalog({
      storeUrl: `sqlite://${path.join(dir, "stats.sqlite")}`,
      modelVersion: MODEL,
      logger: quiet,
    });
    opened.push(catalog);
    const rng = seededRandom(11);
    const tracks = Array.from({ length: 40 }, (_, n) =>
      syntheticRecord(100 + n, randomUnitVector(DIMS, rng), {
        heardIn: { [A]: new Date(Date.UTC(2026, n % 3, 5)).toISOString() },
      }),
    );
    for (const track of tracks) await catalog.put(track);
    await catalog.put(onlyB, { heardIn: B });
    const stats = catalog.stats(A);
    expect(stats.tracks).toBe(40);
    expect(stats.genres.reduce((sum, g) => sum + g.count, 0)).toBe(40);
    expect(stats.months.map((m) => m.month)).toEqual(["2026-01", "2026-02", "2026-03"]);
    // Brute force over every pair of A's tracks.
    let best = { score: -2, ids: [] as string[] };
    for (const [i, x] of tracks.entries()) {
      for (const y of tracks.slice(i + 1)) {
        const score = x.embedding.reduce((sum, v, d) => sum + v * (y.embedding[d] ?? 0), 0);
        if (score > best.score) best = { score, ids: [x.id, y.id].sort() };
      }
    }
    expect([stats.closest?.a.id, stats.closest?.b.id].sort()).toEqual(best.ids);
    expect(stats.closest?.score).toBeCloseTo(best.score, 5);
    expect(catalog.stats(A).closest).toBe(stats.closest);
    await catalog.forget(best.ids[0] ?? "", A);
    expect(catalog.stats(A).closest).not.toBe(stats.closest);
  });
});

describe("per-server catalogs across processes (Redis)", () => {
  it("a deletion in one process leaves the other's index", async () => {
    const client = createClient({ url: redis.url });
    await client.connect();
    await client.flushAll();
    client.destroy();
    const open = () => openCatalog({ storeUrl: redis.url, modelVersion: MODEL, logger: quiet });
    const one = await open();
    const two = await open();
    opened.push(one, two);
    await one.put(onlyA, { heardIn: A });
    await one.put(onlyA2, { heardIn: A });
    await expect.poll(() => two.size(A), { timeout: 10_000 }).toBe(2);
    expect(await one.forget(onlyA.id, A)).toBe("deleted");
    await expect.poll(() => two.size(A), { timeout: 10_000 }).toBe(1);
    expect(two.similar(onlyA2, { k: 5 })).toEqual([]);
  });
});

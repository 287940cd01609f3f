import { createClient } from "@keyv/redis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Catalog, openCatalog, StoreUnavailableError, type TrackRecord } from "../src/catalog/index.js";
import { createLogger } from "../src/log.js";
import { randomUnitVector, seededRandom, syntheticRecord } from "./helpers/catalog-records.js";
import { type PrivateRedis, startPrivateRedis } from "./helpers/redis.js";

/**
 * What only Redis has: several processes sharing one catalog (pub/sub keeps their in-memory indexes in
 * step) and outages (stop the private redis-server, start it again).
 */
const MODEL = "test-model-1";
const DIMS = 32;
const quiet = createLogger("silent");

/** Polls until `check` holds; fails with `what` if it never does. Liveness only, not a speed check. */
async function eventually(what: string, check: () => boolean | Promise<boolean>, limitMs = 15_000) {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

let redis: PrivateRedis;
const open: Catalog[] = [];
async function catalog(): Promise<Catalog> {
  const opened = await openCatalog({
    storeUrl: redis.url,
    modelVersion: MODEL,
    logger: quiet,
    timeoutMs: 500,
  });
  open.push(opened);
  return opened;
}

beforeAll(async () => {
  redis = await startPrivateRedis();
});
afterAll(() => redis.dispose());
beforeEach(async () => {
  const client = createClient({ url: redis.url });
  await client.connect();
  await client.flushAll();
  client.destroy();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

describe("two processes sharing one Redis", () => {
  it("see each other's puts through pub/sub", async () => {
    const random = seededRandom(11);
    const a = await catalog();
    const b = await catalog();
    const first = syntheticRecord(1, randomUnitVector(DIMS, random), { topGenre: "rock" });
    await a.put(first);
    await eventually("b learns of a's record", () => b.size() === 1);
    const [hit] = b.similar(first.embedding, { k: 1 });
    expect(hit?.record.id).toBe(first.id);
    expect(hit?.score).toBeCloseTo(1, 5);

    const second = syntheticRecord(2, randomUnitVector(DIMS, random));
    await b.put(second);
    await eventually("a learns of b's record", () => a.size() === 2);

    // An update (new genre) propagates too, and replaces rather than duplicates.
    await a.put({ ...first, topGenre: "pop" });
    await eventually(
      "b sees the update",
      () => b.similar(first.embedding, { k: 1 })[0]?.record.topGenre === "pop",
    );
    expect(b.size()).toBe(2);
  });
});

describe("when Redis goes down", () => {
  it("refuses puts quickly with a friendly error, answers from memory, and recovers by itself", async () => {
    const random = seededRandom(12);
    const a = await catalog();
    const kept = syntheticRecord(1, randomUnitVector(DIMS, random));
    await a.put(kept);

    await redis.stop();
    const lost = syntheticRecord(2, randomUnitVector(DIMS, random));
    const failure = await a.put(lost).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect((failure as StoreUnavailableError).code).toBe("store-down");
    expect((failure as StoreUnavailableError).message).toBe(
      "I couldn't save this to the catalog right now; the result is shown but not remembered.",
    );
    // Nothing changed, and reads still work from the in-memory index.
    expect(a.size()).toBe(1);
    expect(await a.get(kept.id)).toEqual(kept);
    expect(await a.get(lost.id)).toBeUndefined();
    expect(a.similar(kept.embedding, { k: 3 }).map((n) => n.record.id)).toEqual([kept.id]);

    await redis.start();
    await eventually("a put succeeds again", () =>
      a.put(lost).then(
        () => true,
        () => false,
      ),
    );
    expect(a.size()).toBe(2);
    // Written to Redis for real: a fresh process loads both.
    const b = await catalog();
    expect(b.size()).toBe(2);
    expect((await b.get(lost.id))?.title).toBe(lost.title);
  });

  it("gives up on a hung server after its timeout, and keeps the write if it lands after all", async () => {
    const random = seededRandom(15);
    const a = await catalog();
    const b = await catalog();
    const stuck = syntheticRecord(1, randomUnitVector(DIMS, random));
    redis.pause();
    try {
      const failure = await a.put(stuck).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(StoreUnavailableError);
      expect(a.size()).toBe(0);
    } finally {
      redis.resume();
    }
    // The server applies the queued SET when it wakes: both processes end up knowing the record.
    await eventually("a has the late write", () => a.size() === 1);
    await eventually("b heard of it", () => b.size() === 1);
    const later = syntheticRecord(2, randomUnitVector(DIMS, random));
    await a.put(later);
    expect((await a.get(later.id))?.id).toBe(later.id);
  });

  it("catches up on records it missed while disconnected", async () => {
    const random = seededRandom(13);
    const a = await catalog();
    await a.put(syntheticRecord(1, randomUnitVector(DIMS, random)));

    await redis.stop();
    await redis.start();
    // Written by another process right away, possibly before a has re-subscribed and so unannounced to it.
    const b = await catalog();
    const missed = syntheticRecord(2, randomUnitVector(DIMS, random));
    await b.put(missed);
    await eventually(
      "a has the record b stored",
      () => a.similar(missed.embedding, { k: 1 })[0]?.record.id === missed.id,
    );
    expect(a.size()).toBe(2);
  });

  it("starts empty when Redis is unreachable at start-up and loads once it is back", async () => {
    const random = seededRandom(14);
    const writer = await catalog();
    const records: TrackRecord[] = Array.from({ length: 20 }, (_, i) =>
      syntheticRecord(i, randomUnitVector(DIMS, random)),
    );
    for (const record of records) await writer.put(record);

    await redis.stop();
    const late = await catalog();
    expect(late.size()).toBe(0);
    await expect(late.put(syntheticRecord(99, randomUnitVector(DIMS, random)))).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );

    await redis.start();
    await eventually("the catalog loads after Redis returns", () => late.size() === records.length);
  });
});

import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { openCatalog } from "../src/catalog/index.js";
import { createLogger } from "../src/log.js";
import { seededRandom } from "./audio-helpers.js";
import { randomUnitVector, syntheticRecord } from "./helpers/catalog-records.js";
import { startPrivateRedis } from "./helpers/redis.js";

/**
 * Issue 9, item 14: Redis in its default configuration keeps the catalog only in memory. The
 * catalog asks at start-up and warns once, in plain words; run as the README says (append-only
 * file), every acknowledged record survives `kill -9`.
 */
function capturingLogger(): { logger: ReturnType<typeof createLogger>; warnings: () => string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const warnings = () =>
    lines
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .filter((l) => l.level === 40)
      .map((l) => l.msg);
  return { logger: createLogger("info", stream), warnings };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe("the Redis catalog and persistence (item 14)", () => {
  it("warns once, in plain words, when Redis saves nothing to disk", async () => {
    const redis = await startPrivateRedis({ persistence: "none" });
    const { logger, warnings } = capturingLogger();
    try {
      const catalog = await openCatalog({ storeUrl: redis.url, modelVersion: "test-model-1", logger });
      await settle();
      await catalog.close();
      expect(warnings()).toEqual([
        'Redis is not saving the catalog to disk at all (no append-only file, no snapshots): a restart or crash loses every indexed track. Run Redis with --appendonly yes (see the README, "Running Redis durably").',
      ]);
    } finally {
      await redis.dispose();
    }
  });

  it("stays quiet on managed Redis that forbids CONFIG, and works", async () => {
    const redis = await startPrivateRedis({ persistence: "none", forbidConfig: true });
    const { logger, warnings } = capturingLogger();
    try {
      const catalog = await openCatalog({ storeUrl: redis.url, modelVersion: "test-model-1", logger });
      await catalog.put(syntheticRecord(1, randomUnitVector(16, seededRandom(1))));
      await settle();
      expect(catalog.size()).toBe(1);
      await catalog.close();
      expect(warnings()).toEqual([]);
    } finally {
      await redis.dispose();
    }
  });

  it("with --appendonly yes: no warning, and 40 records survive SIGKILL and a restart", async () => {
    const redis = await startPrivateRedis({ persistence: "aof" });
    const { logger, warnings } = capturingLogger();
    try {
      const random = seededRandom(14);
      const catalog = await openCatalog({ storeUrl: redis.url, modelVersion: "test-model-1", logger });
      for (let n = 0; n < 40; n++) await catalog.put(syntheticRecord(n, randomUnitVector(16, random)));
      await settle();
      await catalog.close();
      expect(warnings()).toEqual([]);

      await redis.kill();
      await redis.start();
      const reopened = await openCatalog({ storeUrl: redis.url, modelVersion: "test-model-1", logger });
      expect(reopened.size()).toBe(40);
      await reopened.close();
    } finally {
      await redis.dispose();
    }
  });
});

import { MemoryIndex } from "../src/catalog/memory-index.js";
import { ServerStatsCache } from "../src/catalog/server-stats.js";
import { randomUnitVector, seededRandom, syntheticRecord } from "../test/helpers/catalog-records.js";
import { median, timeRuns } from "./timing.js";

/**
 * /stats and per-server /similar on a 100k-track catalog: one server's summary (counts, months and
 * the exact closest pair, which is quadratic in that server's tracks) uncached and cached, and a
 * server-scoped k=10 query beside an unscoped one. Wall and CPU medians.
 */
const CATALOG = 100_000;
const SERVER_SIZES = [1_000, 5_000, 20_000];
const DIMS = 64;
const ROUNDS = 5;
const QUERIES = 200;
const SERVER = "123456789012345678";

function measure(rounds: number, run: (i: number) => void): { wall: number; cpu: number } {
  const { wall, cpu } = timeRuns(rounds, run);
  return { wall: median(wall), cpu: median(cpu) };
}

const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;

export async function runStatsBench(): Promise<void> {
  const random = seededRandom(42);
  for (const serverSize of SERVER_SIZES) {
    const memory = new MemoryIndex("bench-model");
    const records = Array.from({ length: CATALOG }, (_, n) =>
      syntheticRecord(n, randomUnitVector(DIMS, random), {
        modelVersion: "bench-model",
        // Every (CATALOG / serverSize)-th track is this server's, heard over twelve months.
        ...(n % (CATALOG / serverSize) === 0
          ? { heardIn: { [SERVER]: new Date(Date.UTC(2026, n % 12, 1)).toISOString() } }
          : {}),
      }),
    );
    for (const record of records) memory.remember(record);
    const ids = [...memory.idsOf(SERVER)];
    const uncached = measure(ROUNDS, () => new ServerStatsCache(memory).stats(SERVER, ids));
    const cache = new ServerStatsCache(memory);
    cache.stats(SERVER, ids);
    const cached = measure(ROUNDS * 20, () => cache.stats(SERVER, ids));
    const queries = records.filter((_, n) => n % 499 === 0).slice(0, QUERIES);
    const query = (i: number) => queries[i % queries.length] as (typeof records)[0];
    const scoped = measure(queries.length, (i) => memory.similar(query(i), { k: 10, server: SERVER }));
    const everywhere = measure(queries.length, (i) => memory.similar(query(i), { k: 10 }));
    console.log(
      `catalog ${CATALOG}, server ${ids.length} tracks: /stats ${ms(uncached.wall)} (cpu ${ms(uncached.cpu)}) first, ` +
        `${ms(cached.wall)} cached; /similar k=10 in the server ${ms(scoped.wall)} (cpu ${ms(scoped.cpu)}), ` +
        `everywhere ${ms(everywhere.wall)} (cpu ${ms(everywhere.cpu)})`,
    );
  }
}

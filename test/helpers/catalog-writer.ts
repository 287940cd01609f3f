/**
 * Bulk-indexes synthetic records into a catalog, the way `genrebot index` does: skip what the current
 * model already indexed, put the rest one by one, and print each id once its put has resolved. The
 * crash test SIGKILLs this process at a random moment and then checks the store.
 *
 * Usage: node --import tsx test/helpers/catalog-writer.ts <store-url> <count>
 */
import { openCatalog } from "../../src/catalog/index.js";
import { createLogger } from "../../src/log.js";
import { randomUnitVector, seededRandom, syntheticRecord } from "./catalog-records.js";

export const WRITER_MODEL = "crash-test-model";
export const WRITER_DIMS = 64;

/** Record n is the same in every run, so a resumed run can be checked against the first. */
export function writerRecord(n: number) {
  return syntheticRecord(n, randomUnitVector(WRITER_DIMS, seededRandom(n + 1)), {
    modelVersion: WRITER_MODEL,
  });
}

async function main(storeUrl: string, count: number): Promise<void> {
  const catalog = await openCatalog({ storeUrl, modelVersion: WRITER_MODEL, logger: createLogger("silent") });
  let written = 0;
  let skipped = 0;
  for (let n = 0; n < count; n++) {
    const record = writerRecord(n);
    const existing = await catalog.get(record.id);
    if (existing && catalog.isCurrent(existing)) {
      skipped++;
      continue;
    }
    await catalog.put(record);
    // Stdout to a pipe is synchronous on Linux: once this line is out, the parent may rely on it.
    process.stdout.write(`committed ${record.id}\n`);
    written++;
  }
  await catalog.close();
  process.stdout.write(`done written=${written} skipped=${skipped}\n`);
}

if (process.argv[1] === import.meta.filename) {
  const [storeUrl, count] = process.argv.slice(2);
  if (!storeUrl || !count) throw new Error("usage: catalog-writer.ts <store-url> <count>");
  await main(storeUrl, Number(count));
}

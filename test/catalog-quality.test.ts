import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openCatalog } from "../src/catalog/index.js";
import { DEFAULT_MODEL_DIR } from "../src/config.js";
import { createLogger } from "../src/log.js";
import { analyzeClips, clipRecord, emotifyClips, precisionAtK } from "./helpers/emotify.js";

/**
 * Do recommendations sound alike? Real Emotify clips through the real analyzer and catalog: most of a
 * clip's nearest neighbours should share its genre. Only a loose floor here (chance is 0.25); the
 * full figure on all 320 clips, with a 57-feature baseline, is `npm run bench catalog`.
 */
/** Analysis is the slow part (seconds per clip), so a small set: 10 per genre leaves 9 same-genre peers. */
const PER_GENRE = 10;
const K = 5;
const hasModel = existsSync(path.join(DEFAULT_MODEL_DIR, "model.json"));
const dir = mkdtempSync(path.join(os.tmpdir(), "genrebot-quality-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasModel)("similarity on real music (needs models/genre)", () => {
  it(`puts mostly same-genre clips among the ${K} nearest`, { timeout: 600_000 }, async () => {
    const clips = emotifyClips(PER_GENRE);
    const records = (await analyzeClips(clips)).map(clipRecord);
    const catalog = await openCatalog({
      storeUrl: `sqlite://${path.join(dir, "quality.sqlite")}`,
      modelVersion: records[0]?.modelVersion ?? "",
      logger: createLogger("silent"),
    });
    for (const record of records) await catalog.put(record);

    for (const record of records) {
      const ids = catalog.similar(record, { k: K }).map((n) => n.record.id);
      expect(ids).toHaveLength(K);
      expect(ids).not.toContain(record.id);
    }
    expect(precisionAtK(catalog.similar, records, clips, K)).toBeGreaterThanOrEqual(0.5);
    await catalog.close();
  });
});

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openCatalog, type TrackRecord } from "../src/catalog/index.js";
import { createAnalyzerPool } from "../src/classifier/index.js";
import { DEFAULT_MODEL_DIR } from "../src/config.js";
import { createLogger } from "../src/log.js";

/**
 * Do recommendations sound alike? Real Emotify clips through the real analyzer and catalog: most of a
 * clip's nearest neighbours should share its genre. Only a loose floor here (chance is 0.25); the
 * full figure on all 320 clips, with a 57-feature baseline, is `npm run bench catalog`.
 */
const EMOTIFY = path.resolve(import.meta.dirname, "../../shared/data/emotify");
const GENRES = ["classical", "electronic", "pop", "rock"];
const PER_GENRE = 20;
const K = 10;
const hasModel = existsSync(path.join(DEFAULT_MODEL_DIR, "model.json"));
const dir = mkdtempSync(path.join(os.tmpdir(), "genrebot-quality-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasModel)("similarity on real music (needs models/genre)", () => {
  it(`puts mostly same-genre clips among the ${K} nearest`, { timeout: 600_000 }, async () => {
    const clips = GENRES.flatMap((genre) =>
      Array.from({ length: PER_GENRE }, (_, i) => ({
        genre,
        file: path.join(EMOTIFY, genre, `${i + 1}.mp3`),
      })),
    );
    const pool = createAnalyzerPool({ size: 2 });
    const analyses = await Promise.all(
      clips.map(async ({ file }) => pool.analyze(new Uint8Array(await readFile(file)))),
    ).finally(() => pool.close());
    const modelVersion = analyses[0]?.modelVersion ?? "";
    const catalog = await openCatalog({
      storeUrl: `sqlite://${path.join(dir, "quality.sqlite")}`,
      modelVersion,
      logger: createLogger("silent"),
    });
    const truth = new Map<string, string>();
    const records: TrackRecord[] = clips.map(({ genre, file }, i) => {
      const analysis = analyses[i];
      if (!analysis) throw new Error(`no analysis for ${file}`);
      const id = `emotify:${genre}:${path.basename(file, ".mp3")}`;
      truth.set(id, genre);
      return {
        id,
        title: id,
        artists: [],
        genres: analysis.genres,
        topGenre: analysis.genres[0]?.genre ?? "",
        embedding: analysis.embedding,
        modelVersion,
        indexedAt: new Date().toISOString(),
      };
    });
    for (const record of records) await catalog.put(record);

    let sameGenre = 0;
    for (const record of records) {
      const neighbours = catalog.similar(record, { k: K });
      expect(neighbours).toHaveLength(K);
      expect(neighbours.map((n) => n.record.id)).not.toContain(record.id);
      sameGenre += neighbours.filter((n) => truth.get(n.record.id) === truth.get(record.id)).length;
    }
    await catalog.close();
    expect(sameGenre / (records.length * K)).toBeGreaterThanOrEqual(0.5);
  });
});

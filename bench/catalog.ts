import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { openCatalog } from "../src/catalog/index.js";
import { MemoryIndex } from "../src/catalog/memory-index.js";
import type { TrackRecord } from "../src/catalog/record.js";
import { FEATURE_NAMES } from "../src/classifier/features/index.js";
import type { GenreScore } from "../src/classifier/index.js";
import { embeddingSize, loadSimilarityTransform } from "../src/classifier/similarity/index.js";
import { DEFAULT_MODEL_DIR } from "../src/config.js";
import { createLogger } from "../src/log.js";
import {
  gaussian,
  normalise,
  seededRandom,
  syntheticId,
  syntheticRecord,
} from "../test/helpers/catalog-records.js";
import { analyzeClips, clipRecord, emotifyClips, precisionAtK } from "../test/helpers/emotify.js";
import { timeRuns } from "./timing.js";

/**
 * Catalog figures: k=10 query latency (median, p99) and memory per track at 10k/100k/1M synthetic
 * tracks, recall@10 against a brute-force scan, start-up load speed, and — when the genre model
 * exists — precision@10 on the 320 Emotify clips against a plain 57-feature baseline.
 */
const SIZES = [10_000, 100_000, 1_000_000];
const QUERIES = 200;
const RECALL_QUERIES = 20;
const K = 10;
const DEFAULT_DIMS = 64;
/** Synthetic "styles": vectors cluster around them, so nearest neighbours are meaningful. */
const CLUSTERS = 200;
const GENRE_NAMES = [
  "blues",
  "classical",
  "country",
  "disco",
  "electronic",
  "hiphop",
  "jazz",
  "metal",
  "pop",
  "rock",
];
const LOAD_RECORDS = 20_000;
const EMOTIFY_IDS = 80;
/** The shipped model trained on Emotify ids 1–60; 61–80 only selected it. */
const HELD_OUT_AFTER = 60;

const quiet = createLogger("silent");

v8.setFlagsFromString("--expose-gc");
const collectGarbage = vm.runInNewContext("gc") as () => void;
function bytesInUse(): number {
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

interface Timing {
  median: number;
  p99: number;
  /** Median CPU time of this process: on a shared machine, wall time also counts waiting for a core. */
  cpuMedian: number;
}

function timeEach(count: number, run: (i: number) => void): Timing {
  const { wall, cpu } = timeRuns(count, run);
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { median: percentile(wall, 0.5), p99: percentile(wall, 0.99), cpuMedian: percentile(cpu, 0.5) };
}

const ms = (value: number) => `${value.toFixed(2)} ms`;

/** n clustered unit vectors in one matrix, plus each one's cluster. */
function clusteredVectors(n: number, dims: number, seed: number) {
  const random = seededRandom(seed);
  const centres = Array.from({ length: CLUSTERS }, () =>
    Float32Array.from({ length: dims }, () => gaussian(random)),
  );
  const matrix = new Float32Array(n * dims);
  const cluster = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(random() * CLUSTERS);
    const centre = centres[c] as Float32Array;
    cluster[i] = c;
    const row = matrix.subarray(i * dims, (i + 1) * dims);
    for (let d = 0; d < dims; d++) row[d] = (centre[d] ?? 0) + 0.6 * gaussian(random);
    row.set(normalise(row));
  }
  return { matrix, cluster };
}

/** The alternative measured before choosing usearch: a plain-JS scan with a sorted top-k insert. */
function bruteForceTopK(
  matrix: Float32Array,
  dims: number,
  query: Float32Array,
  k: number,
  skip: number,
): number[] {
  const scores: number[] = [];
  const rows: number[] = [];
  const n = matrix.length / dims;
  for (let i = 0; i < n; i++) {
    if (i === skip) continue;
    let s = 0;
    for (let d = 0, o = i * dims; d < dims; d++, o++) s += (matrix[o] ?? 0) * (query[d] ?? 0);
    if (scores.length === k && s <= (scores[k - 1] ?? -Infinity)) continue;
    let j = scores.length === k ? k - 1 : scores.length;
    while (j > 0 && (scores[j - 1] ?? 0) < s) {
      scores[j] = scores[j - 1] ?? 0;
      rows[j] = rows[j - 1] ?? 0;
      j--;
    }
    scores[j] = s;
    rows[j] = i;
  }
  return rows;
}

/** Every label, the cluster's genre on top: the shape of a real analysis. */
function genresFor(top: string): GenreScore[] {
  const rest = GENRE_NAMES.filter((g) => g !== top);
  return [
    { genre: top, probability: 0.6 },
    ...rest.map((genre, i) => ({ genre, probability: (0.4 * (rest.length - i)) / 55 })),
  ];
}

export async function latencyAndMemory(n: number, dims: number): Promise<void> {
  const { matrix, cluster } = clusteredVectors(n, dims, n);
  const before = bytesInUse();
  const index = new MemoryIndex("bench");
  const record = (i: number): TrackRecord => {
    const topGenre = GENRE_NAMES[(cluster[i] ?? 0) % GENRE_NAMES.length] ?? "pop";
    return syntheticRecord(i, matrix.subarray(i * dims, (i + 1) * dims), {
      topGenre,
      genres: genresFor(topGenre),
      modelVersion: "bench",
    });
  };
  const fillStart = performance.now();
  for (let i = 0; i < n; i++) index.remember(record(i));
  const fillMs = performance.now() - fillStart;
  // The source matrix is still alive; everything else added since `before` is the index.
  const perTrack = (bytesInUse() - before) / n;

  const random = seededRandom(n + 1);
  const queries = Array.from({ length: QUERIES }, () => record(Math.floor(random() * n)));
  const query = (q: number) => queries[q] as TrackRecord;
  const plain = timeEach(QUERIES, (q) => index.similar(query(q), { k: K }));
  const sameGenre = timeEach(QUERIES, (q) => index.similar(query(q), { k: K, sameGenre: true }));
  const excludeArtist = timeEach(QUERIES, (q) => index.similar(query(q), { k: K, excludeArtist: true }));

  const row = (q: number) => Number(query(q).id.replace(/^synthetic/, ""));
  const exact: string[][] = [];
  const brute = timeEach(RECALL_QUERIES, (q) => {
    exact[q] = bruteForceTopK(matrix, dims, query(q).embedding, K, row(q)).map((r) => syntheticId(r));
  });
  let found = 0;
  for (let q = 0; q < RECALL_QUERIES; q++) {
    const wanted = new Set(exact[q]);
    found += index.similar(query(q), { k: K }).filter((hit) => wanted.has(hit.record.id)).length;
  }

  const show = (t: Timing) => `median ${ms(t.median)} (CPU ${ms(t.cpuMedian)}), p99 ${ms(t.p99)}`;
  console.log(`${n.toLocaleString("en")} tracks × ${dims} dims, k=${K}:`);
  console.log(`  similar()               ${show(plain)}`);
  console.log(`  similar({sameGenre})    ${show(sameGenre)}`);
  console.log(`  similar({excludeArtist}) ${show(excludeArtist)}`);
  console.log(
    `  plain-JS brute force    ${show(brute)}: ${(brute.cpuMedian / plain.cpuMedian).toFixed(1)}× the CPU`,
  );
  console.log(
    `  recall@${K} vs brute force ${(found / (RECALL_QUERIES * K)).toFixed(3)}` +
      ` | memory ${Math.round(perTrack)} B/track (vectors ${Math.round(index.vectorBytes() / n)} B incl. growth room)` +
      ` | filled in ${(fillMs / 1000).toFixed(1)} s`,
  );
}

/** Start-up cost: stream-loading records from a SQLite store into memory. */
async function loadSpeed(dims: number): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "genrebot-bench-"));
  try {
    const storeUrl = `sqlite://${path.join(dir, "catalog.sqlite")}`;
    const { matrix } = clusteredVectors(LOAD_RECORDS, dims, 7);
    const writer = await openCatalog({ storeUrl, modelVersion: "bench", logger: quiet });
    const putStart = performance.now();
    for (let i = 0; i < LOAD_RECORDS; i++) {
      await writer.put(
        syntheticRecord(i, matrix.subarray(i * dims, (i + 1) * dims), { modelVersion: "bench" }),
      );
    }
    const putMs = performance.now() - putStart;
    await writer.close();
    const loadStart = performance.now();
    const reader = await openCatalog({ storeUrl, modelVersion: "bench", logger: quiet });
    const loadMs = performance.now() - loadStart;
    const loaded = reader.size();
    await reader.close();
    console.log(
      `SQLite store: put ${(putMs / LOAD_RECORDS).toFixed(2)} ms/record (one commit each);` +
        ` start-up load of ${loaded.toLocaleString("en")} records ${(loadMs / 1000).toFixed(2)} s` +
        ` (${Math.round(loaded / (loadMs / 1000)).toLocaleString("en")} records/s)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Standardised (z-scored over the set), L2-normalised 57-feature vectors: the baseline to beat. */
function featureEmbeddings(features: Array<Record<string, number>>): Float32Array[] {
  const columns = FEATURE_NAMES.map((name) => features.map((f) => f[name] ?? 0));
  const stats = columns.map((values) => {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) || 1;
    return { mean, sd };
  });
  return features.map((f) =>
    normalise(
      Float32Array.from(
        FEATURE_NAMES,
        (name, i) => ((f[name] ?? 0) - (stats[i]?.mean ?? 0)) / (stats[i]?.sd ?? 1),
      ),
    ),
  );
}

/**
 * Indexes the 320 Emotify clips through the real analyzer and catalog and reports precision@K, with the
 * standardised 57 features as the baseline to beat. The shipped model trained on Emotify ids 1–60, so
 * queries from the held-out ids 61–80 are reported separately. Returns the embedding size.
 */
async function emotifyQuality(): Promise<number | undefined> {
  if (!existsSync(path.join(DEFAULT_MODEL_DIR, "model.json"))) {
    console.log(`Emotify precision@${K}: skipped (no trained model in ${DEFAULT_MODEL_DIR})`);
    return undefined;
  }
  const clips = emotifyClips(EMOTIFY_IDS);
  const start = performance.now();
  const refused: typeof clips = [];
  const analyzed = await analyzeClips(clips, refused);
  if (refused.length > 0) {
    console.log(`not music to the analyser, so never indexed: ${refused.map((c) => c.id).join(", ")}`);
  }
  const analyseSeconds = (performance.now() - start) / 1000;
  const records = analyzed.map(clipRecord);
  const heldOut = (list: TrackRecord[]) => list.filter((r) => Number(r.id.split(":")[2]) > HELD_OUT_AFTER);
  const modelVersion = records[0]?.modelVersion ?? "";

  const dir = mkdtempSync(path.join(os.tmpdir(), "genrebot-emotify-"));
  try {
    const storeUrl = `sqlite://${path.join(dir, "emotify.sqlite")}`;
    const writer = await openCatalog({ storeUrl, modelVersion, logger: quiet });
    for (const record of records) await writer.put(record);
    await writer.close();
    // Measured through a reopened catalog: the embeddings made the round trip through the store.
    const catalog = await openCatalog({ storeUrl, modelVersion, logger: quiet });
    const model = precisionAtK(catalog.similar, records, clips, K);
    const modelHeldOut = precisionAtK(catalog.similar, heldOut(records), clips, K);
    await catalog.close();

    const baseline = new MemoryIndex("features");
    const featureRecords = featureEmbeddings(analyzed.map((a) => a.analysis.features)).map(
      (embedding, i) => ({
        ...(records[i] as TrackRecord),
        embedding,
        modelVersion: "features",
      }),
    );
    for (const record of featureRecords) baseline.remember(record);
    const similar = (r: TrackRecord, o: { k: number }) => baseline.similar(r, o);
    const base = precisionAtK(similar, featureRecords, clips, K);
    const baseHeldOut = precisionAtK(similar, heldOut(featureRecords), clips, K);
    const dims = records[0]?.embedding.length;
    console.log(
      `Emotify precision@${K} (${clips.length} clips, 4 genres, chance 0.25; analysis ${analyseSeconds.toFixed(0)} s on 2 workers):`,
    );
    console.log(
      `  model embedding (${dims} dims): all queries ${model.toFixed(3)}, held-out ids 61–80 ${modelHeldOut.toFixed(3)}`,
    );
    console.log(
      `  standardised 57 features:      all queries ${base.toFixed(3)}, held-out ids 61–80 ${baseHeldOut.toFixed(3)}`,
    );
    return dims;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runCatalogBench(): Promise<void> {
  const modelDims = (await emotifyQuality()) ?? DEFAULT_DIMS;
  // The catalog's budget is for the similarity embedding v2 the records are re-analysed into.
  const v2Dims = embeddingSize(await loadSimilarityTransform());
  if (modelDims !== v2Dims)
    console.log(`(the model embedding has ${modelDims} dims; the v2 similarity embedding ${v2Dims})`);
  await loadSpeed(v2Dims);
  for (const n of SIZES) await latencyAndMemory(n, v2Dims);
}

import { appendFile, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { atRate, decodeMono, NETWORK_SAMPLE_RATE } from "../../audio/index.js";
import { musicnnPatches, runMusicnn, runYamnet, yamnetPatches } from "../../classifier/index.js";
import { PROJECT_ROOT } from "../../config.js";
import { SHARED_DATA_DIR } from "../shipped.js";

/**
 * `npm run embedding:dump`: what the pretrained networks hear in every Emotify clip, through the
 * bot's own path (decode, 16 kHz, front ends, onnxruntime), as per-clip means over patches plus
 * musicnn's `dense` per 3 s patch. One JSON line per clip in .cache/ (gitignored), appended as it
 * goes, so a rerun resumes. The embedding study and the genre-v2 training read it.
 */
export const EMOTIFY_GENRES = ["classical", "electronic", "pop", "rock"] as const;
export const EMOTIFY_IDS = 80;
export const DUMP_FILE = path.join(PROJECT_ROOT, ".cache", "pretrained-emotify.jsonl");

export interface ClipOutputs {
  genre: string;
  id: number;
  /** MSD_musicnn, mean over the clip's 3 s patches. */
  dense: number[];
  /** MSD_musicnn `dense` of each 3 s patch. */
  densePatches: number[][];
  bnDense: number[];
  tags: number[];
  /** MSD_musicnn `dense`, standard deviation and maximum over the patches. */
  denseStd: number[];
  denseMax: number[];
  /** YAMNet, mean over the clip's 0.96 s patches. */
  yamnet: number[];
  scores: number[];
  /** YAMNet's embedding, standard deviation and maximum over the patches. */
  yamnetStd: number[];
  yamnetMax: number[];
}

/** Mean, (population) standard deviation and maximum of each column over `rows`, in float32. */
function columnStats(rows: Float32Array[]): { mean: number[]; std: number[]; max: number[] } {
  const width = (rows[0] as Float32Array).length;
  const sum = new Float64Array(width);
  const squares = new Float64Array(width);
  const max = new Float64Array(width).fill(Number.NEGATIVE_INFINITY);
  for (const row of rows) {
    for (let i = 0; i < width; i++) {
      const v = row[i] as number;
      sum[i] = (sum[i] as number) + v;
      squares[i] = (squares[i] as number) + v * v;
      max[i] = Math.max(max[i] as number, v);
    }
  }
  const n = rows.length;
  return {
    mean: Array.from(sum, (s) => Math.fround(s / n)),
    std: Array.from(sum, (s, i) =>
      Math.fround(Math.sqrt(Math.max(0, (squares[i] as number) / n - (s / n) ** 2))),
    ),
    max: Array.from(max, Math.fround),
  };
}

const mean = (rows: Float32Array[]) => columnStats(rows).mean;

export async function clipOutputs(bytes: Uint8Array): Promise<Omit<ClipOutputs, "genre" | "id">> {
  const samples = atRate(await decodeMono(bytes), NETWORK_SAMPLE_RATE).samples;
  const musicnn = await runMusicnn(musicnnPatches(samples));
  const yamnet = await runYamnet(yamnetPatches(samples));
  const dense = columnStats(musicnn.map((p) => p.dense));
  const embedding = columnStats(yamnet.map((p) => p.embedding));
  return {
    dense: dense.mean,
    densePatches: musicnn.map((p) => Array.from(p.dense)),
    bnDense: mean(musicnn.map((p) => p.bnDense)),
    tags: mean(musicnn.map((p) => p.tags)),
    denseStd: dense.std,
    denseMax: dense.max,
    yamnet: embedding.mean,
    scores: mean(yamnet.map((p) => p.scores)),
    yamnetStd: embedding.std,
    yamnetMax: embedding.max,
  };
}

/**
 * The dumped clips, one per genre and id (a clip dumped twice, e.g. by two overlapping runs, counts
 * once). A line from before the per-patch outputs were dumped counts as missing, so it is heard again.
 */
export async function readDump(file = DUMP_FILE): Promise<ClipOutputs[]> {
  const text = await readFile(file, "utf8").catch(() => "");
  const clips = new Map<string, ClipOutputs>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const clip = JSON.parse(line) as ClipOutputs;
    if (!clip.densePatches) continue;
    clips.set(`${clip.genre}/${clip.id}`, clip);
  }
  // In genre and id order whatever order the runs appended them in, so every fit sees the same matrix.
  const order = (c: ClipOutputs) => EMOTIFY_GENRES.indexOf(c.genre as never) * 1000 + c.id;
  return [...clips.values()].sort((a, b) => order(a) - order(b));
}

/** Dumps the genres named on the command line (default: all), so two processes can share the work. */
async function main(genres: readonly string[]): Promise<void> {
  await mkdir(path.dirname(DUMP_FILE), { recursive: true });
  const done = new Set((await readDump()).map((c) => `${c.genre}/${c.id}`));
  for (const genre of genres) {
    for (let id = 1; id <= EMOTIFY_IDS; id++) {
      if (done.has(`${genre}/${id}`)) continue;
      const bytes = new Uint8Array(await readFile(path.join(SHARED_DATA_DIR, "emotify", genre, `${id}.mp3`)));
      const outputs = await clipOutputs(bytes);
      await appendFile(DUMP_FILE, `${JSON.stringify({ genre, id, ...outputs })}\n`);
      process.stdout.write(`\r${genre}/${id}   `);
    }
  }
  process.stdout.write(`\n${DUMP_FILE}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((g) => !(EMOTIFY_GENRES as readonly string[]).includes(g));
  if (unknown.length > 0)
    throw new Error(`Unknown genre ${unknown.join(", ")}: choose from ${EMOTIFY_GENRES.join(", ")}`);
  await main(asked.length > 0 ? asked : EMOTIFY_GENRES);
}

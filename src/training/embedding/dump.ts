import { appendFile, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { atRate, decodeMono, NETWORK_SAMPLE_RATE } from "../../audio/index.js";
import { musicnnPatches, runMusicnn, runYamnet, yamnetPatches } from "../../classifier/index.js";
import { PROJECT_ROOT } from "../../config.js";
import { SHARED_DATA_DIR } from "../shipped.js";

/**
 * `npm run embedding:dump`: what the pretrained networks hear in every Emotify clip, through the
 * bot's own path (decode, 16 kHz, front ends, onnxruntime), as per-clip means over patches. One
 * JSON line per clip in .cache/ (gitignored), appended as it goes, so a rerun resumes. The
 * embedding study and the genre-v2 training read it.
 */
export const EMOTIFY_GENRES = ["classical", "electronic", "pop", "rock"] as const;
export const EMOTIFY_IDS = 80;
export const DUMP_FILE = path.join(PROJECT_ROOT, ".cache", "pretrained-emotify.jsonl");

export interface ClipOutputs {
  genre: string;
  id: number;
  /** MSD_musicnn, mean over the clip's 3 s patches. */
  dense: number[];
  bnDense: number[];
  tags: number[];
  /** YAMNet, mean over the clip's 0.96 s patches. */
  yamnet: number[];
  scores: number[];
}

function mean(rows: Float32Array[]): number[] {
  const sum = new Float64Array((rows[0] as Float32Array).length);
  for (const row of rows)
    for (let i = 0; i < row.length; i++) sum[i] = (sum[i] as number) + (row[i] as number);
  return Array.from(sum, (v) => Math.fround(v / rows.length));
}

export async function clipOutputs(bytes: Uint8Array): Promise<Omit<ClipOutputs, "genre" | "id">> {
  const samples = atRate(await decodeMono(bytes), NETWORK_SAMPLE_RATE).samples;
  const musicnn = await runMusicnn(musicnnPatches(samples));
  const yamnet = await runYamnet(yamnetPatches(samples));
  return {
    dense: mean(musicnn.map((p) => p.dense)),
    bnDense: mean(musicnn.map((p) => p.bnDense)),
    tags: mean(musicnn.map((p) => p.tags)),
    yamnet: mean(yamnet.map((p) => p.embedding)),
    scores: mean(yamnet.map((p) => p.scores)),
  };
}

export async function readDump(file = DUMP_FILE): Promise<ClipOutputs[]> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as ClipOutputs);
}

async function main(): Promise<void> {
  await mkdir(path.dirname(DUMP_FILE), { recursive: true });
  const done = new Set((await readDump()).map((c) => `${c.genre}/${c.id}`));
  for (const genre of EMOTIFY_GENRES) {
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

if (import.meta.url === `file://${process.argv[1]}`) await main();

import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeBombs } from "../test/helpers/bombs.js";
import { genrebotMeasured, runMeasured } from "../test/helpers/measured.js";

/**
 * Issue 9's memory bombs (items 1–5), each answered by the real `genrebot classify` in a fresh
 * process (wall and CPU medians of RUNS, worst peak RSS), then all of them through a warm analyzer
 * pool, the bot's path (per-job wall time, peak RSS of the whole process, workers included).
 * The bar: every one answered in one sentence within 5 s and 400 MB.
 */
const RUNS = 3;
const DATA_DIR = path.resolve(import.meta.dirname, "../../shared/data");
const WARM_CLIP = path.join(DATA_DIR, "gtzan/audio/blues/blues.00000.wav");

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function runHostileBench(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "genrebot-bench-bombs-"));
  try {
    const bombs = writeBombs(dir);
    console.log(
      `genrebot classify <bomb>, fresh process, ${RUNS} runs each (median wall / CPU, worst peak RSS):`,
    );
    for (const bomb of bombs) {
      const runs = [];
      for (let i = 0; i < RUNS; i++)
        runs.push(await genrebotMeasured(["classify", path.join(dir, bomb.name)]));
      const answer = runs[0]?.stderr.trim().replace(/^genrebot classify: /, "") ?? "";
      const peak = Math.max(...runs.map((r) => r.peakRssMb));
      const killed = runs.find((r) => r.killed)?.killed;
      console.log(
        `  ${bomb.item}. ${bomb.what.padEnd(48)} ${seconds(median(runs.map((r) => r.wallMs))).padStart(7)} wall ` +
          `${seconds(median(runs.map((r) => r.cpuMs))).padStart(7)} CPU ${String(peak).padStart(4)} MB` +
          `${killed ? `  KILLED: ${killed}` : ""}\n       → ${answer.slice(0, 110)}`,
      );
    }

    // A real clip first (worker started, networks loaded, as in a running bot), then the bombs.
    const pooled = await runMeasured([
      "--import",
      "tsx",
      path.join(import.meta.dirname, "../test/helpers/analyze-in-pool.ts"),
      WARM_CLIP,
      ...bombs.filter((b) => b.item <= 4).map((b) => path.join(dir, b.name)),
    ]);
    const results = pooled.stdout
      .trim()
      .split("\n")
      .map(
        (line) =>
          JSON.parse(line) as { file: string; ok: boolean; ms: number; rssMb: number; message?: string },
      );
    console.log(`\nthrough a one-worker analyzer pool (warmed by one real clip first), per job:`);
    const warm = results[0];
    if (warm) {
      console.log(
        `  (warm-up: ${path.basename(warm.file)} ${seconds(warm.ms)}, worker start and models included; RSS after it ${warm.rssMb} MB)`,
      );
    }
    for (const r of results.slice(1)) {
      const name = path.basename(r.file);
      const answer = r.ok ? "heard" : `refused: ${r.message?.slice(0, 70)}`;
      console.log(
        `  ${name.padEnd(24)} ${seconds(r.ms).padStart(7)}  RSS ${String(r.rssMb).padStart(4)} MB  ${answer}`,
      );
    }
    // The peak belongs to the warm-up (the real clip through YAMNet, musicnn and the genre model).
    console.log(
      `  peak RSS of the whole process (pool, worker, the real clip's analysis included): ${pooled.peakRssMb} MB${pooled.killed ? `  KILLED: ${pooled.killed}` : ""}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

import { readFileSync } from "node:fs";
import path from "node:path";
import { analyzeAudio } from "../src/classifier/analyze.js";
import { createAnalyzerPool } from "../src/classifier/pool.js";

/**
 * Run by bench/pretrained.ts in a fresh process, so nothing else is resident: resident memory of
 * analyses in this thread (`direct`: one analyser, as one pool worker holds it — the genre model,
 * both onnxruntime sessions and their arenas, the front ends' tables — plus Node and tsx), or
 * through a pool of two workers (`pool`: the whole process). Prints bytes as JSON: the base before
 * any analysis, the peak sampled after each clip, and the final figure.
 */
const DATA_DIR = path.resolve(import.meta.dirname, "../../shared/data/emotify");
const clips = ["rock/1.mp3", "classical/1.mp3", "electronic/1.mp3", "pop/1.mp3"].map((f) =>
  readFileSync(path.join(DATA_DIR, f)),
);
const mode = process.argv[2] === "pool" ? "pool" : "direct";
const base = process.memoryUsage().rss;
let peak = base;
const sample = () => {
  peak = Math.max(peak, process.memoryUsage().rss);
};
if (mode === "pool") {
  const pool = createAnalyzerPool({ size: 2 });
  for (let round = 0; round < 2; round++) {
    await Promise.all(clips.map((clip) => pool.analyze(clip).then(sample)));
  }
  sample();
  console.log(JSON.stringify({ base, peak, final: process.memoryUsage().rss }));
  await pool.close();
} else {
  for (let round = 0; round < 2; round++) {
    for (const clip of clips) {
      await analyzeAudio(clip);
      sample();
    }
  }
  console.log(JSON.stringify({ base, peak, final: process.memoryUsage().rss }));
}

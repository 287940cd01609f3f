import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import path from "node:path";
import { decodeToMono } from "../src/audio/decode.js";
import { DEFAULT_AUDIO_LIMITS, decodeAudio, MODEL_SAMPLE_RATE, resample } from "../src/audio/index.js";
import { analyzeAudio, cachedGenreModel } from "../src/classifier/analyze.js";
import { extractFeatures } from "../src/classifier/features/index.js";
import { createAnalyzerPool } from "../src/classifier/pool.js";

const DATA_DIR = path.resolve(import.meta.dirname, "../../shared/data");
const CLIPS = ["rock/1.mp3", "classical/1.mp3", "electronic/1.mp3", "pop/1.mp3"].map((f) =>
  readFileSync(path.join(DATA_DIR, "emotify", f)),
);
const RUNS = 5;
const POOL_CLIPS = 8;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

/** Median and p99 wall time of `work` over RUNS warm runs (one untimed warm-up first). */
async function measure(step: string, work: () => unknown): Promise<number> {
  await work();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median = percentile(times, 0.5);
  console.log(
    `${step.padEnd(34)} median ${median.toFixed(1).padStart(8)} ms   p99 ${percentile(times, 0.99).toFixed(1).padStart(8)} ms`,
  );
  return median;
}

/**
 * Per 30 s MP3 preview, single process: decode, resample, features, inference and the whole
 * `analyzeAudio` (whole-clip features + 10 s timeline windows), then throughput through a pool
 * of 2 worker threads.
 */
export async function runClassifierBench(): Promise<void> {
  const clip = CLIPS[0] as Buffer;
  const model = await cachedGenreModel();
  const mono = await decodeToMono(clip, "mp3", DEFAULT_AUDIO_LIMITS);
  const { samples } = await decodeAudio(clip);
  const features = extractFeatures(samples);
  console.log(`model ${model.version}; clip emotify/rock/1.mp3 (30 s, 128 kbps MP3); ${RUNS} runs each`);
  // Wall times inflate with whatever else shares the cores; the load average says how much.
  console.log(`load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`);
  await measure("decode MP3 → mono 44.1 kHz", () => decodeToMono(clip, "mp3", DEFAULT_AUDIO_LIMITS));
  await measure("resample 44.1 → 22.05 kHz", () =>
    resample(mono.samples, mono.sampleRate, MODEL_SAMPLE_RATE),
  );
  await measure("features (57, whole clip)", () => extractFeatures(samples));
  await measure("inference (1 clip)", () => model.predict([features]));
  await measure("inference (clip + 5 windows batch)", () => model.predict(Array(6).fill(features)));
  const endToEnd = await measure("analyzeAudio end to end", () => analyzeAudio(clip));
  console.log(`end to end vs 150 ms target: ×${(endToEnd / 150).toFixed(1)}`);

  const pool = createAnalyzerPool({ size: 2 });
  try {
    await Promise.all(CLIPS.slice(0, 2).map((c) => pool.analyze(c)));
    const start = performance.now();
    await Promise.all(
      Array.from({ length: POOL_CLIPS }, (_, i) => pool.analyze(CLIPS[i % CLIPS.length] as Buffer)),
    );
    const seconds = (performance.now() - start) / 1000;
    console.log(
      `pool of 2 workers: ${(POOL_CLIPS / seconds).toFixed(2)} clips/s (${POOL_CLIPS} clips in ${seconds.toFixed(1)} s)`,
    );
  } finally {
    await pool.close();
  }
}

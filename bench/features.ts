import { readFileSync } from "node:fs";
import path from "node:path";
import { decodeAudio } from "../src/audio/index.js";
import { extractFeatures, FEATURE_STAGES, type StageTimings } from "../src/classifier/features/index.js";
import {
  type ClipComparison,
  PARITY_SIGMA,
  readReferenceTable,
  sharedDataSigmas,
  summariseParity,
} from "../src/training/parity.js";

const DATA = path.resolve(import.meta.dirname, "../../shared/data");
const EMOTIFY = path.join(DATA, "emotify");
/** Untimed warm-up extractions, so the JIT has compiled the hot loops before we measure. */
const WARMUP = 3;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

function row(label: string, values: number[], cpu?: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const line = `  ${label.padEnd(9)} median ${percentile(sorted, 0.5).toFixed(1).padStart(6)} ms   p99 ${percentile(sorted, 0.99).toFixed(1).padStart(6)} ms`;
  if (!cpu) return line;
  const cpuSorted = [...cpu].sort((a, b) => a - b);
  return `${line}   CPU median ${percentile(cpuSorted, 0.5).toFixed(1).padStart(6)} ms`;
}

/** Wall and CPU milliseconds of fn (CPU time is what a shared, busy machine still measures fairly). */
async function measure<T>(fn: () => T | Promise<T>): Promise<{ result: T; wall: number; cpu: number }> {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const result = await fn();
  const wall = performance.now() - start;
  const { user, system } = process.cpuUsage(cpuStart);
  return { result, wall, cpu: (user + system) / 1000 };
}

/**
 * `npm run bench features`: milliseconds per 30 s clip for each stage of extractFeatures (and
 * decodeAudio before it, for the per-clip budget), then parity with librosa on all 320 Emotify
 * MP3s: per feature the share of clips within 0.02 σ, the worst error, and tempo agreement.
 */
export async function runFeaturesBench(): Promise<void> {
  const rows = await readReferenceTable(path.join(EMOTIFY, "librosa_reference.csv"));
  const sigmas = await sharedDataSigmas(DATA);
  const decodeMs: number[] = [];
  const decodeCpuMs: number[] = [];
  const featuresCpuMs: number[] = [];
  const stageMs: Record<string, number[]> = Object.fromEntries(FEATURE_STAGES.map((s) => [s, []]));
  const totalMs: number[] = [];
  const comparisons: ClipComparison[] = [];

  for (const [index, row] of rows.entries()) {
    const bytes = readFileSync(path.join(EMOTIFY, row.clip));
    const decoded = await measure(() => decodeAudio(bytes));
    const timings = Object.fromEntries(FEATURE_STAGES.map((s) => [s, 0])) as StageTimings;
    const extracted = await measure(() => extractFeatures(decoded.result.samples, timings));
    const features = extracted.result;
    if (index >= WARMUP) {
      decodeMs.push(decoded.wall);
      decodeCpuMs.push(decoded.cpu);
      totalMs.push(extracted.wall);
      featuresCpuMs.push(extracted.cpu);
      for (const stage of FEATURE_STAGES) stageMs[stage]?.push(timings[stage]);
    }
    comparisons.push({ clip: row.clip, ours: features, reference: row.features });
  }

  console.log(`Speed per 30 s clip (${totalMs.length} Emotify MP3s, one core):`);
  console.log(row("decode", decodeMs, decodeCpuMs));
  for (const stage of FEATURE_STAGES) console.log(row(stage, stageMs[stage] ?? []));
  console.log(row("features", totalMs, featuresCpuMs));
  console.log(
    row(
      "both",
      totalMs.map((ms, i) => ms + (decodeMs[i] ?? 0)),
      featuresCpuMs.map((ms, i) => ms + (decodeCpuMs[i] ?? 0)),
    ),
  );

  const summary = summariseParity(comparisons, sigmas, {
    zero_crossing_rate_mean: 0.5,
    zero_crossing_rate_var: 0.5,
  });
  console.log(
    `\nParity with librosa 0.9.2 on all ${summary.clips} Emotify clips (error / σ; target ${PARITY_SIGMA} σ on ≥ 95 %):`,
  );
  const names = Object.keys(summary.withinShare).sort(
    (a, b) => (summary.worst[b]?.sigma ?? 0) - (summary.worst[a]?.sigma ?? 0),
  );
  for (const name of names) {
    const share = ((summary.withinShare[name] ?? 0) * 100).toFixed(1);
    const worst = summary.worst[name];
    console.log(
      `  ${name.padEnd(24)} within ${share.padStart(5)} %   worst ${worst?.sigma.toExponential(2)} σ (${worst?.clip})`,
    );
  }
  console.log(`  tempo: same as librosa on ${(summary.tempoAgreement * 100).toFixed(1)} % of clips`);
}

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
} from "../src/classifier/features/parity.js";

const DATA = path.resolve(import.meta.dirname, "../../shared/data");
const EMOTIFY = path.join(DATA, "emotify");
/** Untimed warm-up extractions, so the JIT has compiled the hot loops before we measure. */
const WARMUP = 3;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

function row(label: string, values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `  ${label.padEnd(8)} median ${percentile(sorted, 0.5).toFixed(1).padStart(6)} ms   p99 ${percentile(sorted, 0.99).toFixed(1).padStart(6)} ms`;
}

/**
 * `genrebot bench features`: milliseconds per 30 s clip for each stage of extractFeatures (and
 * decodeAudio before it, for the per-clip budget), then parity with librosa on all 320 Emotify
 * MP3s: per feature the share of clips within 0.02 σ, the worst error, and tempo agreement.
 */
export async function runFeaturesBench(): Promise<void> {
  const rows = readReferenceTable(path.join(EMOTIFY, "librosa_reference.csv"));
  const sigmas = sharedDataSigmas(DATA);
  const decodeMs: number[] = [];
  const stageMs: Record<string, number[]> = Object.fromEntries(FEATURE_STAGES.map((s) => [s, []]));
  const totalMs: number[] = [];
  const comparisons: ClipComparison[] = [];

  for (const [index, row] of rows.entries()) {
    const bytes = readFileSync(path.join(EMOTIFY, row.clip));
    let start = performance.now();
    const { samples } = await decodeAudio(bytes);
    const decoded = performance.now() - start;
    const timings: StageTimings = { stft: 0, rest: 0, mfcc: 0, tempo: 0, hpss: 0 };
    start = performance.now();
    const features = extractFeatures(samples, timings);
    const total = performance.now() - start;
    if (index >= WARMUP) {
      decodeMs.push(decoded);
      totalMs.push(total);
      for (const stage of FEATURE_STAGES) stageMs[stage]?.push(timings[stage]);
    }
    comparisons.push({ clip: row.clip, ours: features, reference: row.features });
  }

  console.log(`Speed per 30 s clip (${totalMs.length} Emotify MP3s, one core):`);
  console.log(row("decode", decodeMs));
  for (const stage of FEATURE_STAGES) console.log(row(stage, stageMs[stage] ?? []));
  console.log(row("features", totalMs));
  console.log(
    row(
      "both",
      totalMs.map((ms, i) => ms + (decodeMs[i] ?? 0)),
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

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { decodeToMono } from "../src/audio/decode.js";
import { DEFAULT_AUDIO_LIMITS, MODEL_SAMPLE_RATE, resample } from "../src/audio/index.js";
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

/** Where `GENREBOT_BENCH_BASELINE=write npm run bench features` stores its per-stage medians. */
const BASELINE = path.join(import.meta.dirname, "features-baseline.json");
const STAGES = ["decode", "resample", ...FEATURE_STAGES.filter((s) => s !== "summary"), "summary"] as const;
type Stage = (typeof STAGES)[number] | "features" | "total";

interface Baseline {
  /** What was measured: the revision, the machine and how. */
  measured: string;
  cpuMedianMs: Partial<Record<Stage, number>>;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

/** CPU milliseconds of this process while fn runs (a fair figure on a shared, busy machine). */
async function cpu<T>(fn: () => T | Promise<T>): Promise<{ result: T; ms: number }> {
  const start = process.cpuUsage();
  const result = await fn();
  const { user, system } = process.cpuUsage(start);
  return { result, ms: (user + system) / 1000 };
}

function readBaseline(): Baseline | undefined {
  return existsSync(BASELINE) ? (JSON.parse(readFileSync(BASELINE, "utf8")) as Baseline) : undefined;
}

/**
 * `npm run bench features`: CPU milliseconds per 30 s clip for each stage, from the MP3 bytes to
 * the 57 features (MP3 decode, resampling to 22 050 Hz, then the stages of extractFeatures), as
 * medians and p99 over the 320 Emotify MP3s, with the ratio to the medians in
 * bench/features-baseline.json (the previous main, measured the same way); then parity with
 * librosa on the same clips: per feature the share within 0.02 σ, the worst error, and tempo
 * agreement. `GENREBOT_BENCH_BASELINE=write` stores this run's medians as the new baseline.
 */
export async function runFeaturesBench(): Promise<void> {
  const rows = await readReferenceTable(path.join(EMOTIFY, "librosa_reference.csv"));
  const sigmas = await sharedDataSigmas(DATA);
  const perStage = Object.fromEntries(
    [...STAGES, "features", "total"].map((s) => [s, [] as number[]]),
  ) as unknown as Record<Stage, number[]>;
  const comparisons: ClipComparison[] = [];

  for (const [index, row] of rows.entries()) {
    const bytes = readFileSync(path.join(EMOTIFY, row.clip));
    const mono = await cpu(() => decodeToMono(bytes, "mp3", DEFAULT_AUDIO_LIMITS));
    const resampled = await cpu(() =>
      resample(mono.result.samples, mono.result.sampleRate, MODEL_SAMPLE_RATE),
    );
    const timings = Object.fromEntries(FEATURE_STAGES.map((s) => [s, 0])) as StageTimings;
    const extracted = await cpu(() => extractFeatures(resampled.result, timings));
    if (index >= WARMUP) {
      perStage.decode.push(mono.ms);
      perStage.resample.push(resampled.ms);
      for (const stage of FEATURE_STAGES) perStage[stage].push(timings[stage]);
      perStage.features.push(extracted.ms);
      perStage.total.push(mono.ms + resampled.ms + extracted.ms);
    }
    comparisons.push({ clip: row.clip, ours: extracted.result, reference: row.features });
  }

  const medians = Object.fromEntries(
    Object.entries(perStage).map(([stage, values]) => [stage, percentile(values, 0.5)]),
  ) as Record<Stage, number>;
  const baseline = readBaseline();
  const clips = perStage.total.length;
  console.log(
    `CPU per 30 s clip, ${clips} Emotify MP3s (${WARMUP} warm-up clips first), one thread; ratio = baseline / now`,
  );
  if (baseline) console.log(`baseline: ${baseline.measured}`);
  const ms = (v: number | undefined) => (v === undefined ? "" : v.toFixed(1)).padStart(7);
  console.log(
    `  ${"stage".padEnd(30)} ${"median".padStart(7)} ${"p99".padStart(7)} ${"baseline".padStart(8)}   ratio`,
  );
  const labels: Record<Stage, string> = {
    decode: "MP3 decode → mono 44.1 kHz",
    resample: "resample → 22.05 kHz",
    stft: "STFT + magnitudes",
    rest: "chroma, spectral, ZCR, RMS",
    mfcc: "log-mel, MFCC, onset envelope",
    hpss: "HPSS (medians, mask, iSTFT)",
    summary: "summaries (incl. tempo)",
    features: "extractFeatures (57)",
    total: "decode + resample + features",
  };
  for (const stage of [...STAGES, "features", "total"] as const) {
    const before = baseline?.cpuMedianMs[stage];
    const ratio = before === undefined ? "" : `×${(before / medians[stage]).toFixed(2)}`;
    console.log(
      `  ${labels[stage].padEnd(30)} ${ms(medians[stage])} ${ms(percentile(perStage[stage], 0.99))} ${ms(before).padStart(8)}   ${ratio}`,
    );
  }
  if (process.env.GENREBOT_BENCH_BASELINE === "write") {
    const revision = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const stored: Baseline = {
      measured: `${revision}, ${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model} (${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)})`,
      cpuMedianMs: Object.fromEntries(Object.entries(medians).map(([k, v]) => [k, Math.round(v * 10) / 10])),
    };
    writeFileSync(BASELINE, `${JSON.stringify(stored, null, 2)}\n`);
    console.log(`baseline written to ${path.relative(process.cwd(), BASELINE)}`);
  }

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

import path from "node:path";
import { FEATURE_NAMES, type FeatureName } from "../classifier/index.js";
import { readFeatureCsv } from "./dataset/csv.js";

/**
 * Parity of our features with librosa's reference tables, in the units the model sees: the error
 * divided by the feature's standard deviation across the reference sets (σ). Used by the feature
 * tests and the features benchmark.
 */

export type FeatureValues = Record<FeatureName, number>;

export interface ReferenceRow {
  /** The clip's path relative to its table's folder, e.g. "blues/blues.00000.wav" or "rock/1.mp3". */
  clip: string;
  label: string;
  features: FeatureValues;
}

/** The tempo is compared for equality; every other feature in σ units. */
export const SIGMA_FEATURES: readonly FeatureName[] = FEATURE_NAMES.filter((name) => name !== "tempo");

/** Within this many σ of librosa counts as parity. */
export const PARITY_SIGMA = 0.02;

/**
 * A librosa feature table (filename, length, the 57 features, label[, split]), read by the one
 * validating reader. Clips are located as <label>/<filename> beside the table, the layout of both
 * shared data sets.
 */
export async function readReferenceTable(file: string): Promise<ReferenceRow[]> {
  return (await readFeatureCsv(file)).map((row) => {
    const missing = FEATURE_NAMES.find((name) => row.features[name] === undefined);
    if (missing) throw new Error(`${file} has no column ${missing}`);
    return {
      clip: path.join(row.label, row.name),
      label: row.label,
      features: row.features as FeatureValues,
    };
  });
}

/** Population standard deviation of each feature across all rows of the given tables. */
export function featureSigmas(rows: readonly ReferenceRow[]): FeatureValues {
  const sigmas: Partial<FeatureValues> = {};
  for (const name of FEATURE_NAMES) {
    const values = rows.map((row) => row.features[name]);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    sigmas[name] = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  }
  return sigmas as FeatureValues;
}

/** The σ scale of the shared data: the GTZAN table and the Emotify reference together. */
export async function sharedDataSigmas(dataDir: string): Promise<FeatureValues> {
  return featureSigmas([
    ...(await readReferenceTable(path.join(dataDir, "gtzan", "features_30_sec.csv"))),
    ...(await readReferenceTable(path.join(dataDir, "emotify", "librosa_reference.csv"))),
  ]);
}

export interface ClipComparison {
  clip: string;
  ours: FeatureValues;
  reference: FeatureValues;
}

export interface ParitySummary {
  clips: number;
  /** Per feature: share of clips within its tolerance (PARITY_SIGMA unless overridden). */
  withinShare: Record<string, number>;
  /** Per feature: the largest error in σ and the clip it occurred on. */
  worst: Record<string, { sigma: number; clip: string }>;
  /** Share of clips whose tempo equals librosa's. */
  tempoAgreement: number;
}

/** Errors in σ of every clip, summarised per feature; `tolerance` overrides PARITY_SIGMA per feature. */
export function summariseParity(
  comparisons: readonly ClipComparison[],
  sigmas: FeatureValues,
  tolerance: Partial<Record<FeatureName, number>> = {},
): ParitySummary {
  const withinShare: Record<string, number> = {};
  const worst: Record<string, { sigma: number; clip: string }> = {};
  for (const name of SIGMA_FEATURES) {
    const limit = tolerance[name] ?? PARITY_SIGMA;
    let within = 0;
    let largest = { sigma: 0, clip: "" };
    for (const { clip, ours, reference } of comparisons) {
      const error = Math.abs(ours[name] - reference[name]) / sigmas[name];
      if (error <= limit) within++;
      if (!(error <= largest.sigma)) largest = { sigma: error, clip };
    }
    withinShare[name] = within / comparisons.length;
    worst[name] = largest;
  }
  const sameTempo = comparisons.filter(
    ({ ours, reference }) => Math.abs(ours.tempo - reference.tempo) < 1e-6,
  );
  return {
    clips: comparisons.length,
    withinShare,
    worst,
    tempoAgreement: sameTempo.length / comparisons.length,
  };
}

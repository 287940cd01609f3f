/**
 * How raw features become model inputs, saved with the model as scaler.json so serving applies
 * exactly the transform training used. Variance features span several orders of magnitude
 * (a quiet classical clip vs. a loud metal one), so they are log-compressed before
 * standardising; otherwise a few extreme clips dominate their z-scores.
 */
export interface Scaler {
  /** Input order of the network. */
  featureNames: string[];
  /** Per feature: add `logOffset` then take the natural log; null = used as is. */
  logOffsets: Array<number | null>;
  mean: number[];
  std: number[];
}

export type FeatureRecord = Record<string, number>;

function shouldLog(name: string): boolean {
  return name.endsWith("_var");
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function featureValue(record: FeatureRecord, name: string): number {
  const value = record[name];
  if (value === undefined || !Number.isFinite(value)) {
    throw new Error(`feature ${name} is missing or not finite`);
  }
  return value;
}

function compress(value: number, logOffset: number | null): number {
  return logOffset === null ? value : Math.log(Math.max(value, 0) + logOffset);
}

export function fitScaler(
  records: FeatureRecord[],
  featureNames: readonly string[],
  { logVariances = true } = {},
): Scaler {
  const logOffsets = featureNames.map((name) => {
    if (!logVariances || !shouldLog(name)) return null;
    // A small offset relative to the feature's typical size keeps log() finite for silent clips
    // without flattening the low end.
    return Math.max(median(records.map((r) => featureValue(r, name))) * 1e-3, 1e-12);
  });
  const columns = featureNames.map((name, i) =>
    records.map((r) => compress(featureValue(r, name), logOffsets[i] ?? null)),
  );
  const mean = columns.map((col) => col.reduce((a, b) => a + b, 0) / col.length);
  const std = columns.map((col, i) => {
    const m = mean[i] ?? 0;
    const variance = col.reduce((a, b) => a + (b - m) ** 2, 0) / col.length;
    return Math.sqrt(variance) || 1;
  });
  return { featureNames: [...featureNames], logOffsets, mean, std };
}

/** Rows of model inputs, one per record, flattened row-major. */
export function applyScaler(scaler: Scaler, records: FeatureRecord[]): Float32Array {
  const width = scaler.featureNames.length;
  const out = new Float32Array(records.length * width);
  records.forEach((record, row) => {
    scaler.featureNames.forEach((name, i) => {
      const value = compress(featureValue(record, name), scaler.logOffsets[i] ?? null);
      out[row * width + i] = (value - (scaler.mean[i] ?? 0)) / (scaler.std[i] ?? 1);
    });
  });
  return out;
}

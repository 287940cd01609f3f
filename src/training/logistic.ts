import {
  applyScaler,
  type FeatureRecord,
  fitScaler,
  type HeardBlock,
  headProbabilities,
  type LinearHead,
} from "../classifier/index.js";

/** Full-batch Adam steps: the loss is convex and the data small, so this converges every time. */
const STEPS = 400;
const LEARNING_RATE = 0.05;

/**
 * Multinomial logistic regression with an L2 penalty `l2` (per weight, on standardised inputs),
 * class-balanced. Deterministic: zero start, full batch, no randomness.
 */
export function fitLinearHead(
  records: FeatureRecord[],
  targets: string[],
  labels: string[],
  blocks: HeardBlock[],
  inputNames: string[],
  l2: number,
): LinearHead {
  const scaler = fitScaler(records, inputNames, { logVariances: true });
  const x = applyScaler(scaler, records);
  const n = records.length;
  const d = inputNames.length;
  const k = labels.length;
  const y = targets.map((t) => labels.indexOf(t));
  const counts = labels.map((_, c) => y.filter((v) => v === c).length);
  const sampleWeight = y.map((c) => n / (k * Math.max(counts[c] ?? 1, 1)));
  const w = new Float64Array(k * d);
  const b = new Float64Array(k);
  const m = new Float64Array(k * d + k);
  const v = new Float64Array(k * d + k);
  const grad = new Float64Array(k * d + k);
  const logits = new Float64Array(k);
  for (let step = 1; step <= STEPS; step++) {
    grad.fill(0);
    for (let row = 0; row < n; row++) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) {
        let z = b[c] as number;
        for (let i = 0; i < d; i++) z += (w[c * d + i] as number) * (x[row * d + i] as number);
        logits[c] = z;
        if (z > max) max = z;
      }
      let sum = 0;
      for (let c = 0; c < k; c++) {
        logits[c] = Math.exp((logits[c] as number) - max);
        sum += logits[c] as number;
      }
      const sw = (sampleWeight[row] as number) / n;
      for (let c = 0; c < k; c++) {
        const err = sw * ((logits[c] as number) / sum - (c === y[row] ? 1 : 0));
        for (let i = 0; i < d; i++)
          grad[c * d + i] = (grad[c * d + i] as number) + err * (x[row * d + i] as number);
        grad[k * d + c] = (grad[k * d + c] as number) + err;
      }
    }
    for (let j = 0; j < k * d; j++) grad[j] = (grad[j] as number) + l2 * (w[j] as number);
    for (let j = 0; j < k * d + k; j++) {
      const g = grad[j] as number;
      m[j] = 0.9 * (m[j] as number) + 0.1 * g;
      v[j] = 0.999 * (v[j] as number) + 0.001 * g * g;
      const update =
        (LEARNING_RATE * ((m[j] as number) / (1 - 0.9 ** step))) /
        (Math.sqrt((v[j] as number) / (1 - 0.999 ** step)) + 1e-8);
      if (j < k * d) w[j] = (w[j] as number) - update;
      else b[j - k * d] = (b[j - k * d] as number) - update;
    }
  }
  return { labels, blocks, scaler, weights: Array.from(w, Math.fround), bias: Array.from(b, Math.fround) };
}

/** The L2 strengths cross-validation chooses among. */
export const L2_GRID = [1e-3, 1e-2, 1e-1];

/**
 * Chooses the L2 strength by `folds`-fold cross-validation on the training records (fold = index
 * mod folds, so the choice never sees a selection clip), then fits on all of them.
 */
export function fitLinearHeadCv(
  records: FeatureRecord[],
  targets: string[],
  labels: string[],
  blocks: HeardBlock[],
  inputNames: string[],
  folds = 5,
): { head: LinearHead; l2: number; cvAccuracy: number } {
  let best = { l2: L2_GRID[0] as number, cvAccuracy: -1 };
  for (const l2 of L2_GRID) {
    let correct = 0;
    for (let fold = 0; fold < folds; fold++) {
      const trainIdx = records.flatMap((_, i) => (i % folds !== fold ? [i] : []));
      const testIdx = records.flatMap((_, i) => (i % folds === fold ? [i] : []));
      const head = fitLinearHead(
        trainIdx.map((i) => records[i] as FeatureRecord),
        trainIdx.map((i) => targets[i] as string),
        labels,
        blocks,
        inputNames,
        l2,
      );
      const probabilities = headProbabilities(
        head,
        testIdx.map((i) => records[i] as FeatureRecord),
      );
      probabilities.forEach((p, j) => {
        if (labels[p.indexOf(Math.max(...p))] === targets[testIdx[j] as number]) correct++;
      });
    }
    const cvAccuracy = correct / records.length;
    if (cvAccuracy > best.cvAccuracy) best = { l2, cvAccuracy };
  }
  return { head: fitLinearHead(records, targets, labels, blocks, inputNames, best.l2), ...best };
}

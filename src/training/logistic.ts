import {
  applyScaler,
  type FeatureRecord,
  fitScaler,
  geometricMeans,
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
 * Chooses the L2 strength by `folds`-fold cross-validation on the training clips, then fits on all
 * of them. `clips` holds each clip's records (one of its clip means, or one per 3 s patch, each
 * labelled with the clip's target); a fold is clip index mod folds, so a clip's patches are never
 * split between fitting and testing, and a clip is scored by the geometric mean of its records'
 * probabilities, as it is served. The choice is by cross-validated log-loss (the mean −ln of the
 * probability given to the true label): the head's probabilities, not only its argmax, are pooled
 * with the other expert, and on a few hundred clips the log-loss is a steadier guide than
 * accuracy, which moves in whole clips. The choice never sees a selection clip.
 */
export function fitLinearHeadCv(
  clips: FeatureRecord[][],
  targets: string[],
  labels: string[],
  blocks: HeardBlock[],
  inputNames: string[],
  folds = 5,
): { head: LinearHead; l2: number; cvAccuracy: number; cvLogLoss: number } {
  const fitOn = (indices: number[], l2: number) =>
    fitLinearHead(
      indices.flatMap((i) => clips[i] as FeatureRecord[]),
      indices.flatMap((i) => (clips[i] as FeatureRecord[]).map(() => targets[i] as string)),
      labels,
      blocks,
      inputNames,
      l2,
    );
  let best = { l2: L2_GRID[0] as number, cvAccuracy: 0, cvLogLoss: Number.POSITIVE_INFINITY };
  for (const l2 of L2_GRID) {
    let correct = 0;
    let logLoss = 0;
    for (let fold = 0; fold < folds; fold++) {
      const trainIdx = clips.flatMap((_, i) => (i % folds !== fold ? [i] : []));
      const testIdx = clips.flatMap((_, i) => (i % folds === fold ? [i] : []));
      const head = fitOn(trainIdx, l2);
      const tested = testIdx.map((i) => clips[i] as FeatureRecord[]);
      const probabilities = geometricMeans(
        headProbabilities(head, tested.flat()),
        tested.map((records) => records.length),
      );
      for (const [j, i] of testIdx.entries()) {
        const p = probabilities[j] as number[];
        if (labels[p.indexOf(Math.max(...p))] === targets[i]) correct++;
        logLoss -= Math.log(Math.max(p[labels.indexOf(targets[i] as string)] ?? 0, Number.MIN_VALUE));
      }
    }
    const cvLogLoss = logLoss / clips.length;
    if (cvLogLoss < best.cvLogLoss) best = { l2, cvAccuracy: correct / clips.length, cvLogLoss };
  }
  return { head: fitOn(Array.from(clips.keys()), best.l2), ...best };
}

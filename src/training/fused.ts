import {
  blockNames,
  expertB,
  type FeatureRecord,
  fuseGated,
  type GatedFusion,
  type GenreMapping,
  type HeardBlock,
  headClipProbabilities,
  headRecords,
  type LinearHead,
  mappedEvidence,
  type PretrainedOutputs,
  pool,
} from "../classifier/index.js";
import { type Evaluation, evaluatePredictions } from "./evaluation/metrics.js";
import { fitLinearHeadCv } from "./logistic.js";

/** A clip the bot heard: its 57 features and the pretrained networks' clip-level outputs. */
export interface HeardClip {
  label: string;
  features: FeatureRecord;
  outputs: PretrainedOutputs;
}

const BLOCK_SIZES = { dense: 200, sqrtDense: 200, bnDense: 200, yamnet: 1024 } as const;

export function inputNamesOf(blocks: readonly HeardBlock[], featureNames: readonly string[]): string[] {
  return blocks.flatMap((block) =>
    block === "features" ? [...featureNames] : blockNames(block, BLOCK_SIZES[block]),
  );
}

/** The head inputs expert B's selection compares (chosen by cross-validation on the training clips). */
export const HEAD_VARIANTS: Array<{ name: string; blocks: HeardBlock[]; perPatch?: boolean }> = [
  { name: "musicnn dense", blocks: ["dense"] },
  { name: "√musicnn dense", blocks: ["sqrtDense"] },
  { name: "musicnn dense, each 3 s patch", blocks: ["dense"], perPatch: true },
  { name: "√musicnn dense, each 3 s patch", blocks: ["sqrtDense"], perPatch: true },
  { name: "musicnn bn_dense", blocks: ["bnDense"] },
  { name: "YAMNet embedding", blocks: ["yamnet"] },
  { name: "musicnn dense + YAMNet", blocks: ["dense", "yamnet"] },
  { name: "musicnn dense + 57 features", blocks: ["dense", "features"] },
];

export interface HeadResult {
  name: string;
  head: LinearHead;
  l2: number;
  cvAccuracy: number;
  cvLogLoss: number;
}

export function fitHead(
  clips: readonly HeardClip[],
  labels: string[],
  blocks: HeardBlock[],
  featureNames: readonly string[],
  name = blocks.join("+"),
  perPatch = false,
): HeadResult {
  const fitted = fitLinearHeadCv(
    clips.map((c) => headRecords({ blocks, perPatch }, c.outputs, c.features)),
    clips.map((c) => c.label),
    labels,
    blocks,
    inputNamesOf(blocks, featureNames),
  );
  return { name, ...fitted, head: perPatch ? { ...fitted.head, perPatch } : fitted.head };
}

/** Expert B's head alone on `clips`, over its own labels. */
export function headPredictions(head: LinearHead, clips: readonly HeardClip[]): number[][] {
  return headClipProbabilities(head, clips);
}

export interface NetworkNames {
  tags: readonly string[];
  classes: readonly string[];
}

/** Expert B over all `labels` for each clip (head + mapping; the head alone when mapping is null). */
export function expertBPredictions(
  labels: readonly string[],
  head: LinearHead,
  mapping: GenreMapping | null,
  names: NetworkNames,
  clips: readonly HeardClip[],
): number[][] {
  const headP = headPredictions(head, clips);
  return clips.map((clip, i) => {
    const evidence = mapping ? mappedEvidence(labels, mapping, clip.outputs, names) : labels.map(() => 0);
    return expertB(labels, head, headP[i] as number[], evidence);
  });
}

export function argmaxLabels(labels: readonly string[], rows: readonly number[][]): string[] {
  return rows.map((p) => labels[p.indexOf(Math.max(...p))] ?? "");
}

export function evaluateRows(
  labels: string[],
  truth: readonly string[],
  rows: readonly number[][],
): Evaluation {
  return evaluatePredictions(labels, [...truth], argmaxLabels(labels, rows));
}

/** The pooling weights fusion selection tries: 0 = expert A alone, 1 = expert B alone. */
export const WEIGHT_GRID = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
export const OTHER_WEIGHT_GRID = [0, 0.25, 0.5, 0.75, 1];

/** The variant the gated fusion replaced: one log-linear pool over all eleven genres, ∝ pA^(1−w) · pB^w. */
export function pooledRows(pA: readonly number[][], pB: readonly number[][], weight: number): number[][] {
  return pA.map((a, i) => {
    const raw = a.map((v, g) => pool(v, pB[i]?.[g] ?? 0, weight));
    const sum = raw.reduce((x, y) => x + y, 0);
    return raw.map((v) => v / sum);
  });
}

export function gatedRows(
  labels: readonly string[],
  headLabels: readonly string[],
  pA: readonly number[][],
  pB: readonly number[][],
  fusion: GatedFusion,
): number[][] {
  return pA.map((a, i) => fuseGated(labels, headLabels, a, pB[i] as number[], fusion));
}

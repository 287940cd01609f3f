import type { GenreScore } from "../types.js";
import { applyScaler, type FeatureRecord, type Scaler } from "./scaler.js";

/**
 * Expert B and the fusion: what the genre model makes of the pretrained networks' outputs.
 * Expert A is the MLP over the 57 features (store.ts); expert B is a linear head over musicnn's
 * embedding trained on the genres that have audio, plus a fixed mapping of MSD tags and AudioSet
 * classes onto the genres that have none. The two are pooled log-linearly.
 */

/** Clip-level means of the pretrained networks' outputs (musicnn MSD, YAMNet). */
export interface PretrainedOutputs {
  /** musicnn `dense` (200, after ReLU) and `bn_dense` (200). */
  dense: ArrayLike<number>;
  /** musicnn `dense` of each 3 s patch (what a per-patch head reads). */
  densePatches: ReadonlyArray<ArrayLike<number>>;
  bnDense: ArrayLike<number>;
  /** The 50 MSD tag probabilities in musicnn's output order. */
  tags: ArrayLike<number>;
  /** YAMNet's 1024-d embedding and its 521 AudioSet class scores in class-map order. */
  yamnet: ArrayLike<number>;
  scores: ArrayLike<number>;
}

/**
 * Which blocks of what the bot hears a head reads. `sqrtDense` is the square root of musicnn's
 * `dense`: its ReLU outputs are heavy-tailed, and the root keeps a few loud units from dominating
 * (it helped retrieval in the similarity study and the genre head under cross-validation).
 */
export type HeardBlock = "dense" | "sqrtDense" | "bnDense" | "yamnet" | "features";

/** For each genre, the MSD tags and AudioSet classes that name it (display names). */
export type GenreMapping = Record<string, { msd: string[]; audioset: string[] }>;

/** A multinomial logistic regression over standardised inputs. */
export interface LinearHead {
  labels: string[];
  blocks: HeardBlock[];
  /** Standardises the inputs named `<block>_<i>` (and the features by name). */
  scaler: Scaler;
  /** labels × inputs, row-major. */
  weights: number[];
  bias: number[];
  /**
   * Reads each 3 s musicnn patch on its own (trained on patches labelled with their clip's label);
   * a clip's probabilities are the normalised geometric mean of its patches'. Absent: reads the
   * clip means.
   */
  perPatch?: boolean;
}

/** heard.json: expert B and how it is pooled with expert A. */
export interface HeardModel {
  head: LinearHead;
  mapping: GenreMapping;
  fusion: GatedFusion;
}

/** The two pooling weights of `fuseGated` (0 = expert A alone, 1 = expert B alone). */
export interface GatedFusion {
  /** Whether the clip is one of the head's genres or another: pooled with this weight on B. */
  groupWeight: number;
  /** Which of the other genres: A's choice among them pooled with the mapping's, this weight on B. */
  otherWeight: number;
}

/** A probability below this counts as this (keeps the log-linear pool finite). */
const FLOOR = 1e-6;

/** The inputs a head reads, as one record keyed like the scaler's names. */
export function heardRecord(
  blocks: readonly HeardBlock[],
  outputs: PretrainedOutputs,
  features: FeatureRecord,
): FeatureRecord {
  const record: FeatureRecord = {};
  for (const block of blocks) {
    if (block === "features") Object.assign(record, features);
    else if (block === "sqrtDense")
      Array.from(outputs.dense, (v, i) => (record[`${block}_${i}`] = Math.sqrt(Math.max(v, 0))));
    else Array.from(outputs[block], (v, i) => (record[`${block}_${i}`] = v));
  }
  return record;
}

/**
 * The records a head reads for one clip: one per 3 s patch for a per-patch head (the clip means
 * when the clip is too short for a patch), else one of the clip means.
 */
export function headRecords(
  head: Pick<LinearHead, "blocks" | "perPatch">,
  outputs: PretrainedOutputs,
  features: FeatureRecord,
): FeatureRecord[] {
  if (!head.perPatch || outputs.densePatches.length === 0)
    return [heardRecord(head.blocks, outputs, features)];
  return outputs.densePatches.map((dense) => heardRecord(head.blocks, { ...outputs, dense }, features));
}

/**
 * Per-record distributions grouped by clip (`counts[c]` consecutive rows for clip c): each clip's
 * normalised geometric mean (the mean of its rows' log-probabilities, softmaxed).
 */
export function geometricMeans(rows: readonly number[][], counts: readonly number[]): number[][] {
  let start = 0;
  return counts.map((count) => {
    const group = rows.slice(start, start + count);
    start += count;
    const width = group[0]?.length ?? 0;
    return softmax(
      Array.from(
        { length: width },
        (_, k) => group.reduce((sum, p) => sum + Math.log(Math.max(p[k] ?? 0, FLOOR)), 0) / count,
      ),
    );
  });
}

/** The head's probabilities for each clip, in `head.labels` order (per-patch heads pool their patches). */
export function headClipProbabilities(
  head: LinearHead,
  clips: ReadonlyArray<{ outputs: PretrainedOutputs; features: FeatureRecord }>,
): number[][] {
  const perClip = clips.map((c) => headRecords(head, c.outputs, c.features));
  return geometricMeans(
    headProbabilities(head, perClip.flat()),
    perClip.map((records) => records.length),
  );
}

/** The input names of a block of `size` values (the features keep their own names). */
export function blockNames(block: Exclude<HeardBlock, "features">, size: number): string[] {
  return Array.from({ length: size }, (_, i) => `${block}_${i}`);
}

export function softmax(logits: ArrayLike<number>): number[] {
  const max = Math.max(...Array.from(logits));
  const exps = Array.from(logits, (v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((v) => v / sum);
}

/** The head's probabilities for each record, in `head.labels` order. */
export function headProbabilities(head: LinearHead, records: FeatureRecord[]): number[][] {
  const x = applyScaler(head.scaler, records);
  const width = head.scaler.featureNames.length;
  return records.map((_, row) =>
    softmax(
      head.labels.map((_, k) => {
        let z = head.bias[k] ?? 0;
        for (let i = 0; i < width; i++) z += (head.weights[k * width + i] ?? 0) * (x[row * width + i] ?? 0);
        return z;
      }),
    ),
  );
}

/**
 * How strongly the networks name each genre: the noisy-OR of the mapped tag and class
 * probabilities (the chance that at least one of them fires), 0 for a genre with no mapping.
 */
export function mappedEvidence(
  labels: readonly string[],
  mapping: GenreMapping,
  outputs: Pick<PretrainedOutputs, "tags" | "scores">,
  names: { tags: readonly string[]; classes: readonly string[] },
): number[] {
  const probability = (list: readonly string[], values: ArrayLike<number>, name: string): number => {
    const index = list.indexOf(name);
    if (index < 0) throw new Error(`the genre mapping names "${name}", which the network does not output`);
    return values[index] ?? 0;
  };
  return labels.map((label) => {
    const entry = mapping[label];
    if (!entry) return 0;
    const fired = [
      ...entry.msd.map((tag) => probability(names.tags, outputs.tags, tag)),
      ...entry.audioset.map((name) => probability(names.classes, outputs.scores, name)),
    ];
    return 1 - fired.reduce((none, p) => none * (1 - p), 1);
  });
}

/**
 * Expert B over all `labels`. The mapped evidence for the genres the head has never heard says
 * how likely the clip is one of them (noisy-OR: at least one fires), split among them by their
 * evidence; the rest of the mass goes to the head, which heard real clips of its genres. Without
 * a mapping (a user's own labels) it is the head alone.
 */
export function expertB(
  labels: readonly string[],
  head: LinearHead,
  headP: readonly number[],
  evidence: readonly number[],
): number[] {
  const known = labels.map((label) => head.labels.indexOf(label));
  let none = 1;
  let otherSum = 0;
  labels.forEach((_, i) => {
    if ((known[i] as number) >= 0) return;
    none *= 1 - (evidence[i] ?? 0);
    otherSum += evidence[i] ?? 0;
  });
  const otherMass = otherSum > 0 ? 1 - none : 0;
  return labels.map((_, i) => {
    const k = known[i] as number;
    if (k >= 0) return (headP[k] ?? 0) * (1 - otherMass);
    return otherSum > 0 ? (otherMass * (evidence[i] ?? 0)) / otherSum : 0;
  });
}

/** Log-linear pooling of two probabilities (or two distributions' shares): a^(1−w) · b^w, unnormalised. */
export function pool(a: number, b: number, w: number): number {
  return Math.exp((1 - w) * Math.log(Math.max(a, FLOOR)) + w * Math.log(Math.max(b, FLOOR)));
}

/**
 * The fused distribution over `labels`. Each expert knows something the other does not: B's head
 * heard real clips of its genres, A learnt all eleven from features. So the decision is split:
 * first whether the clip is one of the head's genres (the two experts' shares pooled), then which
 * one — the head decides among its own genres; A's choice among the others is pooled with the
 * mapping's.
 */
export function fuseGated(
  labels: readonly string[],
  headLabels: readonly string[],
  pA: readonly number[],
  pB: readonly number[],
  fusion: GatedFusion,
): number[] {
  const inHead = labels.map((label) => headLabels.includes(label));
  const share = (p: readonly number[]) => p.reduce((sum, v, i) => sum + (inHead[i] ? v : 0), 0);
  const aIn = share(pA);
  const bIn = share(pB);
  const poolIn = pool(aIn, bIn, fusion.groupWeight);
  const poolOut = pool(1 - aIn, 1 - bIn, fusion.groupWeight);
  const mIn = poolIn / (poolIn + poolOut);
  const others = labels.map((_, i) =>
    inHead[i]
      ? 0
      : pool(
          (pA[i] ?? 0) / Math.max(1 - aIn, FLOOR),
          (pB[i] ?? 0) / Math.max(1 - bIn, FLOOR),
          fusion.otherWeight,
        ),
  );
  const othersSum = others.reduce((a, b) => a + b, 0) || 1;
  return labels.map((_, i) =>
    inHead[i] ? (mIn * (pB[i] ?? 0)) / Math.max(bIn, FLOOR) : ((1 - mIn) * (others[i] ?? 0)) / othersSum,
  );
}

export function ranked(labels: readonly string[], probabilities: readonly number[]): GenreScore[] {
  return labels
    .map((genre, i) => ({ genre, probability: probabilities[i] ?? 0 }))
    .sort((a, b) => b.probability - a.probability);
}

import type { LayersModel } from "@tensorflow/tfjs";
import {
  applyScaler,
  buildNetwork,
  type FeatureRecord,
  fitScaler,
  loadTf,
  type NetworkConfig,
  runNetwork,
  type Scaler,
  type Tf,
  trainNetwork,
} from "../classifier/index.js";
import { type Evaluation, evaluatePredictions } from "./evaluation/metrics.js";

export interface Example {
  features: FeatureRecord;
  label: string;
  /** Which held-out report this example belongs to (e.g. "GTZAN valid"). */
  group?: string;
}

/** One architecture / regularisation setting the selection step tries. */
export interface Candidate {
  name: string;
  config: NetworkConfig;
  /** Input features; a subset of the 57 when some proved to be noise. */
  featureNames: string[];
  logVariances: boolean;
}

export interface CandidateResult {
  name: string;
  bestEpoch: number;
  validAccuracy: number;
  /** Held-out accuracy per group at the best epoch. */
  groups: Record<string, number>;
}

export interface TrainedModel {
  network: LayersModel;
  scaler: Scaler;
  labels: string[];
  chosen: Candidate;
  epochs: number;
  selection: CandidateResult[];
  /** Held-out evaluation of the chosen candidate (trained on the training part only), per group. */
  heldOut: Record<string, Evaluation>;
}

/** How often (in epochs) selection measures the held-out accuracy. */
const CHECK_EVERY = 5;

function predictLabels(
  tf: Tf,
  network: LayersModel,
  scaler: Scaler,
  labels: string[],
  examples: Example[],
): string[] {
  const x = applyScaler(
    scaler,
    examples.map((e) => e.features),
  );
  const { probabilities } = runNetwork(tf, network, x, examples.length);
  return examples.map((_, row) => {
    const scores = probabilities.subarray(row * labels.length, (row + 1) * labels.length);
    let best = 0;
    scores.forEach((p, i) => {
      if (p > (scores[best] ?? 0)) best = i;
    });
    return labels[best] ?? "";
  });
}

function groupEvaluations(
  labels: string[],
  valid: Example[],
  predicted: string[],
): Record<string, Evaluation> {
  const groups = [...new Set(valid.map((e) => e.group ?? "held out"))];
  return Object.fromEntries(
    groups.map((group) => {
      const members = valid.flatMap((e, i) => ((e.group ?? "held out") === group ? [i] : []));
      return [
        group,
        evaluatePredictions(
          labels,
          members.map((i) => valid[i]?.label ?? ""),
          members.map((i) => predicted[i] ?? ""),
        ),
      ];
    }),
  );
}

async function trainCandidate(
  tf: Tf,
  candidate: Candidate,
  labels: string[],
  examples: Example[],
  epochs: number,
  onCheck?: (network: LayersModel, scaler: Scaler, epoch: number) => void,
) {
  const scaler = fitScaler(
    examples.map((e) => e.features),
    candidate.featureNames,
    { logVariances: candidate.logVariances },
  );
  const config = { ...candidate.config, epochs };
  const network = buildNetwork(tf, config, candidate.featureNames.length, labels.length);
  const x = applyScaler(
    scaler,
    examples.map((e) => e.features),
  );
  await trainNetwork(
    tf,
    network,
    config,
    { x, labels: examples.map((e) => labels.indexOf(e.label)) },
    labels.length,
    (epoch) => {
      if (epoch % CHECK_EVERY === 0) onCheck?.(network, scaler, epoch);
      return false;
    },
  );
  return { network, scaler };
}

/**
 * The recipe: train every candidate on `train`, measure it on `valid` every few epochs, pick the
 * candidate and epoch count with the best held-out accuracy (early stopping), then train that
 * candidate from scratch on train + valid for that many epochs — the model that ships.
 */
export async function trainWithSelection(options: {
  labels: string[];
  train: Example[];
  valid: Example[];
  candidates: Candidate[];
  /**
   * What the final model learns from: "train+valid" retrains the winner on everything (a user's
   * folders, where every clip counts); "train" replays the selection run to its best epoch, so
   * the held-out figures are the shipped model's own.
   */
  final?: "train+valid" | "train";
  onProgress?: (message: string) => void;
}): Promise<TrainedModel> {
  const { tf } = await loadTf();
  const { labels, train, valid, candidates } = options;
  let best:
    | { candidate: Candidate; result: CandidateResult; heldOut: Record<string, Evaluation> }
    | undefined;
  const selection: CandidateResult[] = [];
  for (const candidate of candidates) {
    let result: CandidateResult = { name: candidate.name, bestEpoch: 0, validAccuracy: -1, groups: {} };
    let heldOut: Record<string, Evaluation> = {};
    const { network } = await trainCandidate(
      tf,
      candidate,
      labels,
      train,
      candidate.config.epochs,
      (net, scaler, epoch) => {
        const predicted = predictLabels(tf, net, scaler, labels, valid);
        const accuracy = evaluatePredictions(
          labels,
          valid.map((e) => e.label),
          predicted,
        ).accuracy;
        if (accuracy > result.validAccuracy) {
          heldOut = groupEvaluations(labels, valid, predicted);
          const groups = Object.fromEntries(Object.entries(heldOut).map(([g, e]) => [g, e.accuracy]));
          result = { name: candidate.name, bestEpoch: epoch, validAccuracy: accuracy, groups };
        }
      },
    );
    network.dispose();
    selection.push(result);
    options.onProgress?.(
      `candidate ${candidate.name}: held-out accuracy ${(result.validAccuracy * 100).toFixed(1)}% at epoch ${result.bestEpoch}`,
    );
    if (!best || result.validAccuracy > best.result.validAccuracy) best = { candidate, result, heldOut };
  }
  if (!best) throw new Error("trainWithSelection needs at least one candidate");
  const epochs = Math.max(best.result.bestEpoch, CHECK_EVERY);
  const finalExamples = options.final === "train" ? train : [...train, ...valid];
  options.onProgress?.(
    `training ${best.candidate.name} on ${finalExamples.length} clips for ${epochs} epochs`,
  );
  const { network, scaler } = await trainCandidate(tf, best.candidate, labels, finalExamples, epochs);
  return { network, scaler, labels, chosen: best.candidate, epochs, selection, heldOut: best.heldOut };
}

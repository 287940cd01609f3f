import { FEATURE_NAMES } from "../classifier/index.js";
import { folderCandidate } from "./candidates.js";
import { splitByLabel } from "./folders.js";
import { evaluateRows, fitHead, type HeardClip, headPredictions } from "./fused.js";
import { trainWithSelection } from "./recipe.js";
import { expertAProbabilities } from "./shipped.js";

/** Clips per label a user might have: the few-shot figures `genrebot train <folders>` is judged by. */
export const FEW_SHOT_SIZES = [10, 20, 40];

export interface FewShotRow {
  perLabel: number;
  /** The head on musicnn's embedding + the 57 features (what a folder model answers with). */
  heard: number;
  /** The 57-feature MLP alone (genre v1's folder model). */
  features: number;
}

/**
 * What `genrebot train <folders>` does with the first n training clips of each label, measured
 * on the selection clips: the same split, epoch choice and heads as trainOnLabelFolders.
 */
export async function fewShotStudy(
  train: readonly HeardClip[],
  test: readonly HeardClip[],
): Promise<FewShotRow[]> {
  const labels = [...new Set(train.map((c) => c.label))].sort();
  const truth = test.map((c) => c.label);
  const rows: FewShotRow[] = [];
  for (const perLabel of FEW_SHOT_SIZES) {
    const subset = labels.flatMap((label) => train.filter((c) => c.label === label).slice(0, perLabel));
    const head = fitHead(subset, labels, ["dense", "features"], FEATURE_NAMES).head;
    const split = splitByLabel(subset.map((c) => ({ features: c.features, label: c.label })));
    const mlp = await trainWithSelection({
      labels,
      ...split,
      candidates: [folderCandidate(FEATURE_NAMES, 200)],
    });
    const features = evaluateRows(
      labels,
      truth,
      await expertAProbabilities(
        mlp,
        test.map((c) => c.features),
      ),
    ).accuracy;
    mlp.network.dispose();
    rows.push({
      perLabel,
      heard: evaluateRows(labels, truth, headPredictions(head, test)).accuracy,
      features,
    });
  }
  return rows;
}

import { readFile } from "node:fs/promises";
import {
  FEATURE_NAMES,
  type HeardBlock,
  type HeardModel,
  saveGenreModel,
  seededRandom,
  shuffledIndices,
} from "../classifier/index.js";
import { UserFacingError } from "../errors.js";
import { folderCandidate } from "./candidates.js";
import { featuresOfAudioFiles } from "./dataset/audio-features.js";
import { listLabelFolders } from "./dataset/label-folders.js";
import { clipOutputs } from "./embedding/dump.js";
import { evaluateRows, fitHead, type HeardClip, headPredictions } from "./fused.js";
import { type Example, trainWithSelection } from "./recipe.js";
import { writeModelReport } from "./report.js";

const HELD_OUT_FRACTION = 0.2;
const SPLIT_SEED = 7;

/** A seeded, per-label 80/20 split; labels with a single clip keep it for training. */
export function splitByLabel(examples: Example[]): { train: Example[]; valid: Example[] } {
  const random = seededRandom(SPLIT_SEED);
  const train: Example[] = [];
  const valid: Example[] = [];
  for (const label of [...new Set(examples.map((e) => e.label))]) {
    const members = examples.filter((e) => e.label === label);
    const heldOut = members.length >= 2 ? Math.max(1, Math.round(members.length * HELD_OUT_FRACTION)) : 0;
    shuffledIndices(members.length, random).forEach((index, rank) => {
      const example = members[index] as Example;
      if (rank < heldOut) valid.push({ ...example, group: "held out" });
      else train.push(example);
    });
  }
  return { train, valid };
}

/**
 * Trains a model on any labels a user has: `<dir>/<label>/<audio files>` (one folder per genre,
 * per artist, per mood…). It answers from musicnn's embedding + the 57 features (a linear head,
 * heard.json); the 57-feature MLP beside it is what `evaluate --features` measures. Features
 * come from our extractor on every core; a seeded 20 % of each label measures both and picks the
 * MLP's epoch count, then both are refitted on everything.
 */
export async function trainOnLabelFolders(options: {
  dir: string;
  outDir: string;
  epochs?: number;
  onStart?: (files: number) => void;
  onFile?: (file: string) => void;
  onSkip?: (file: string, reason: string) => void;
  onProgress?: (message: string) => void;
  onHeard?: (file: string) => void;
}): Promise<{ version: string; labels: string[]; heldOutAccuracy: number; featuresHeldOutAccuracy: number }> {
  const files = await listLabelFolders(options.dir);
  options.onStart?.(files.length);
  const extracted = await featuresOfAudioFiles(
    files.map((f) => f.file),
    options.onFile,
  );
  const examples: Example[] = [];
  const heard: HeardClip[] = [];
  for (const [i, result] of extracted.entries()) {
    if ("error" in result) {
      options.onSkip?.(result.file, result.error.message);
      continue;
    }
    const label = files[i]?.label ?? "";
    examples.push({ features: result.features, label });
    heard.push({
      label,
      features: result.features,
      outputs: await clipOutputs(new Uint8Array(await readFile(result.file))),
    });
    options.onHeard?.(result.file);
  }
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  if (labels.length < 2) {
    throw new UserFacingError(
      "training-too-few-labels",
      "Fewer than two labels have audio I could read, so there is nothing to tell apart.",
    );
  }
  const { train, valid } = splitByLabel(examples);
  // The same split for expert B: examples and heard clips are in the same order.
  const heldOut = new Set(valid.map((e) => e.features));
  const heardTrain = heard.filter((c) => !heldOut.has(c.features));
  const heardValid = heard.filter((c) => heldOut.has(c.features));
  const trained = await trainWithSelection({
    labels,
    train,
    valid: valid.length > 0 ? valid : train,
    candidates: [folderCandidate(FEATURE_NAMES, options.epochs ?? 200)],
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  // Expert B: a linear head on musicnn's embedding + the 57 features, picked by cross-validation,
  // measured on the held-out slice, then refitted on every clip. No mapping: the labels are the user's.
  const blocks: HeardBlock[] = ["dense", "features"];
  const heldOutHead = fitHead(heardTrain, labels, blocks, FEATURE_NAMES);
  const heardAccuracy =
    heardValid.length > 0
      ? evaluateRows(
          labels,
          heardValid.map((c) => c.label),
          headPredictions(heldOutHead.head, heardValid),
        ).accuracy
      : 0;
  const head = fitHead(heard, labels, blocks, FEATURE_NAMES).head;
  const model: HeardModel = { head, mapping: {}, fusion: { groupWeight: 1, otherWeight: 0 } };
  options.onProgress?.(
    `expert B (musicnn dense + 57 features): held-out accuracy ${(heardAccuracy * 100).toFixed(1)}%`,
  );
  const version = await saveGenreModel(options.outDir, trained.network, trained.scaler, labels, model);
  await writeModelReport(
    options.outDir,
    trained,
    version,
    trained.chosen.config.embeddingSize,
    {
      summary: `Trained with \`genrebot train\` on the label folders of ${options.dir} (${labels.length} labels). A seeded 20 % of each label was held out to choose the number of epochs.`,
      trainCount: train.length,
      validCount: valid.length,
      featureSource: "genrebot's own decoder + extractor on the audio files",
    },
    ["Trained on a user's own folders; held-out accuracy on a small slice is a rough guide only."],
  );
  trained.network.dispose();
  return {
    version,
    labels,
    heldOutAccuracy: heardAccuracy,
    featuresHeldOutAccuracy: trained.selection[0]?.validAccuracy ?? 0,
  };
}

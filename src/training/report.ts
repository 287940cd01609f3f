import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { Evaluation } from "./evaluation/metrics.js";
import type { TrainedModel } from "./recipe.js";

/** What the model card says about the data; the numbers come from the training run itself. */
export interface DataDescription {
  /** Markdown paragraph(s): sources, how they were split, where features came from. */
  summary: string;
  trainCount: number;
  validCount: number;
  featureSource: string;
}

export function percent(value: number): string {
  return `${(value * 100).toFixed(1)} %`;
}

export function evaluationTable(evaluation: Evaluation): string {
  const rows = evaluation.perClass
    .filter((c) => c.support > 0 || c.precision > 0)
    .map(
      (c) =>
        `| ${c.label} | ${c.precision.toFixed(2)} | ${c.recall.toFixed(2)} | ${c.f1.toFixed(2)} | ${c.support} |`,
    );
  return ["| genre | precision | recall | F1 | clips |", "|---|---|---|---|---|", ...rows].join("\n");
}

/** The confusion matrix as a markdown table (rows: true genre; only genres that occur or are predicted). */
export function confusionTable(evaluation: Evaluation): string {
  const used = evaluation.labels.flatMap((_, i) =>
    (evaluation.confusion[i] ?? []).some((n) => n > 0) ||
    evaluation.confusion.some((row) => (row[i] ?? 0) > 0)
      ? [i]
      : [],
  );
  const header = `| true \\ predicted | ${used.map((i) => evaluation.labels[i]).join(" | ")} |`;
  const rows = used
    .filter((i) => (evaluation.confusion[i] ?? []).some((n) => n > 0))
    .map(
      (i) =>
        `| ${evaluation.labels[i]} | ${used.map((j) => evaluation.confusion[i]?.[j] ?? 0).join(" | ")} |`,
    );
  return [header, `|---|${used.map(() => "---").join("|")}|`, ...rows].join("\n");
}

/**
 * Writes metrics.json (machine-readable, everything the run measured) and README.md (the model
 * card). No timestamps: the same data and seed must give byte-identical files.
 */
export async function writeModelReport(
  dir: string,
  trained: TrainedModel,
  version: string,
  embeddingSize: number,
  data: DataDescription,
  limits: string[],
  /** Markdown bullet points on what was explored before settling on the candidates. */
  explored: string[] = [],
  /** Markdown bullet points on measured analysis speed (from `npm run bench classifier`). */
  speed: string[] = [],
): Promise<void> {
  const metrics = {
    version,
    labels: trained.labels,
    embeddingSize,
    data: { trainCount: data.trainCount, validCount: data.validCount, featureSource: data.featureSource },
    chosen: { ...trained.chosen, epochs: trained.epochs },
    selection: trained.selection,
    heldOut: trained.heldOut,
  };
  const selectionRows = trained.selection.map(
    (s) =>
      `| ${s.name} | ${percent(s.validAccuracy)} | ${s.bestEpoch} | ${Object.entries(s.groups)
        .map(([g, a]) => `${g} ${percent(a)}`)
        .join(", ")} |`,
  );
  const heldOutSections = Object.entries(trained.heldOut).map(
    ([group, evaluation]) =>
      `### ${group}: accuracy ${percent(evaluation.accuracy)} (${evaluation.count} clips)\n\n${evaluationTable(evaluation)}`,
  );
  const config = trained.chosen.config;
  const card = [
    `# Genre model ${version}`,
    "",
    `Labels (${trained.labels.length}): ${trained.labels.join(", ")}.`,
    "",
    "## Data",
    "",
    data.summary,
    "",
    `Training clips: ${data.trainCount}; held-out clips used for selection: ${data.validCount}. Features: ${data.featureSource}.`,
    "",
    "## Model",
    "",
    `A TensorFlow.js layers MLP over ${trained.chosen.featureNames.length} standardised features ` +
      `(variance features log-compressed first; the recipe is in scaler.json): ` +
      `${[...config.hidden.map((units) => `dense ${units} ReLU`), `dense ${config.embeddingSize} tanh (embedding)`, `softmax ${trained.labels.length}`].join(" → ")}.`,
    `Training: Adam lr ${config.learningRate}, batch ${config.batchSize}, dropout ${config.dropout}, input dropout ${config.inputDropout}, ` +
      `input noise σ ${config.inputNoise}, L2 ${config.l2}, mixup α ${config.mixup}, class-balanced loss: ${config.balanceClasses}, seed ${config.seed}, ${trained.epochs} epochs.`,
    "",
    `**Embedding**: the ${embeddingSize}-dimensional output of the embedding layer, L2-normalised; compare tracks by cosine similarity.`,
    "",
    `**Version** \`${version}\`: sha256 of weights.bin + scaler.json + labels.json, first 12 hex digits.`,
    "",
    "## Selection (trained on the training part, measured on the held-out part)",
    "",
    "| candidate | held-out accuracy | best epoch | per group |",
    "|---|---|---|---|",
    ...selectionRows,
    "",
    `Chosen: **${trained.chosen.name}**, then retrained from scratch on training + held-out clips for ${trained.epochs} epochs. ` +
      "The held-out figures below are therefore from the selection run (the shipped model has seen these clips), " +
      "and slightly optimistic because they also picked the candidate and epoch.",
    "",
    "## Held-out metrics of the chosen candidate",
    "",
    ...heldOutSections.flatMap((section) => [section, ""]),
    ...(speed.length > 0 ? ["## Speed", "", ...speed.map((line) => `- ${line}`), ""] : []),
    ...(explored.length > 0 ? ["## What was tried", "", ...explored.map((line) => `- ${line}`), ""] : []),
    "## Known limits",
    "",
    ...limits.map((limit) => `- ${limit}`),
    "",
  ].join("\n");
  await Promise.all([
    writeFile(path.join(dir, "metrics.json"), `${JSON.stringify(metrics, null, 2)}\n`),
    writeFile(path.join(dir, "README.md"), card),
  ]);
}

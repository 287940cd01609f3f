import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { FeatureRecord } from "../classifier/index.js";
import { loadGenreModel } from "../classifier/index.js";
import { loadDotEnv, readConfig } from "../config.js";
import { UsageError, UserFacingError } from "../errors.js";
import { svgToPng } from "../lib/svg.js";
import {
  type Evaluation,
  evaluatePredictions,
  evaluationSvg,
  featuresOfAudioFiles,
  listLabelFolders,
  readFeatureCsv,
} from "../training/index.js";
import { parseCliArgs } from "./cli-args.js";
import { createProgress } from "./progress.js";

interface LabelledRecords {
  records: FeatureRecord[];
  truth: string[];
}

async function fromCsv(file: string, split: string | undefined): Promise<LabelledRecords> {
  const rows = (await readFeatureCsv(file)).filter((row) => split === undefined || row.split === split);
  if (rows.length === 0) {
    throw new UserFacingError(
      "evaluate-empty",
      `No rows${split ? ` with split "${split}"` : ""} in ${file}.`,
    );
  }
  return { records: rows.map((r) => r.features), truth: rows.map((r) => r.label) };
}

async function fromFolders(dir: string): Promise<LabelledRecords> {
  const files = await listLabelFolders(dir);
  const progress = createProgress("extracting features", files.length);
  const results = await featuresOfAudioFiles(
    files.map((f) => f.file),
    (file) => progress.tick(path.basename(file)),
  );
  progress.done();
  const out: LabelledRecords = { records: [], truth: [] };
  results.forEach((result, i) => {
    if ("error" in result) {
      process.stderr.write(`skipped ${result.file}: ${result.error.message}\n`);
      return;
    }
    out.records.push(result.features);
    out.truth.push(files[i]?.label ?? "");
  });
  return out;
}

function pct(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

/** Accuracy, the per-genre table and the confusion matrix as terminal text. */
export function formatEvaluation(evaluation: Evaluation): string {
  const width = Math.max(5, ...evaluation.labels.map((l) => l.length));
  const perClass = evaluation.perClass.map(
    (c) =>
      `  ${c.label.padEnd(width)}  ${c.precision.toFixed(2).padStart(9)}  ${c.recall.toFixed(2).padStart(6)}  ${c.f1.toFixed(2).padStart(4)}  ${String(c.support).padStart(5)}`,
  );
  const abbreviations = evaluation.labels.map((l) => l.slice(0, 4).padStart(5));
  const matrix = evaluation.confusion.map(
    (row, r) =>
      `  ${(evaluation.labels[r] ?? "").padEnd(width)} ${row.map((n) => String(n).padStart(5)).join("")}`,
  );
  return [
    `Accuracy: ${pct(evaluation.accuracy)} (${evaluation.count} clips)`,
    "",
    `  ${"genre".padEnd(width)}  precision  recall    F1  clips`,
    ...perClass,
    "",
    "Confusion matrix (rows: true genre, columns: predicted):",
    `  ${"".padEnd(width)} ${abbreviations.join("")}`,
    ...matrix,
  ].join("\n");
}

/** `genrebot evaluate (<dir of genre folders> | --features <csv> [--split valid]) [--json] [--model <dir>] [--png <path>]`. */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, {
    features: { type: "string" },
    split: { type: "string" },
    json: { type: "boolean" },
    model: { type: "string" },
    png: { type: "string" },
  });
  const [dir, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError("Give one folder of genre folders.");
  if ((dir === undefined) === (values.features === undefined)) {
    throw new UsageError("Give either a folder of genre folders or --features <csv>, not both.");
  }
  if (values.split !== undefined && values.features === undefined) {
    throw new UsageError("--split filters a feature table; use it with --features.");
  }
  loadDotEnv();
  const model = await loadGenreModel(values.model ?? readConfig(process.env).modelDir);
  const data = values.features
    ? await fromCsv(values.features, values.split)
    : await fromFolders(dir as string);
  const predicted = model.predict(data.records).map((p) => p.genres[0]?.genre ?? "");
  const evaluation = evaluatePredictions(model.labels, data.truth, predicted);
  const pngPath = path.resolve(values.png ?? "evaluation.png");
  const title = `Genre model ${model.version} on ${values.features ? path.basename(values.features) : path.basename(dir as string)}${values.split ? ` (${values.split})` : ""}`;
  await writeFile(pngPath, svgToPng(evaluationSvg(evaluation, title)));
  if (values.json) {
    console.log(JSON.stringify({ modelVersion: model.version, ...evaluation, png: pngPath }, null, 2));
  } else {
    console.log(`Model ${model.version}\n${formatEvaluation(evaluation)}\n\nChart written to ${pngPath}`);
  }
  return 0;
}

import { readFile, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import type { Analysis, FeatureRecord, GenreScore } from "../classifier/index.js";
import { createAnalyzerPool, loadGenreModel } from "../classifier/index.js";
import { loadDotEnv, readConfig } from "../config.js";
import { UsageError, UserFacingError } from "../errors.js";
import { svgToPng } from "../lib/svg.js";
import {
  type Evaluation,
  evaluatePredictions,
  evaluationSvg,
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

/** Every readable clip of the folders through the full analysis (every core), with each expert's top genre. */
async function fromFolders(dir: string, modelDir: string): Promise<FolderResults> {
  const files = await listLabelFolders(dir);
  const progress = createProgress("listening", files.length);
  const size = Math.min(availableParallelism(), Math.max(files.length, 1));
  const pool = createAnalyzerPool({ size, modelDir });
  const analyses = new Array<Analysis | undefined>(files.length);
  try {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < files.length) {
        const index = next++;
        const { file } = files[index] as { file: string };
        try {
          analyses[index] = await pool.analyze(await readFile(file));
        } catch (error) {
          if (!(error instanceof UserFacingError)) throw error;
          process.stderr.write(`skipped ${file}: ${error.message}\n`);
        }
        progress.tick(path.basename(file));
      }
    };
    await Promise.all(Array.from({ length: size }, lane));
  } finally {
    progress.done();
    await pool.close();
  }
  const out: FolderResults = { truth: [], fused: [], features: [], heard: [] };
  analyses.forEach((analysis, i) => {
    if (!analysis) return;
    const top = (scores: GenreScore[] | undefined) => scores?.[0]?.genre ?? "";
    out.truth.push(files[i]?.label ?? "");
    out.fused.push(top(analysis.genres));
    out.features.push(top(analysis.experts?.features));
    out.heard.push(top(analysis.experts?.heard));
  });
  return out;
}

interface FolderResults {
  truth: string[];
  fused: string[];
  features: string[];
  heard: string[];
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
  const modelDir = values.model ?? readConfig(process.env).modelDir;
  const model = await loadGenreModel(modelDir);
  let evaluation: Evaluation;
  /** Each expert's accuracy beside the fused one (a model that hears with the pretrained networks, on audio). */
  let experts: { features: number; heard: number } | undefined;
  if (values.features) {
    const data = await fromCsv(values.features, values.split);
    const predicted = model.predict(data.records).map((p) => p.genres[0]?.genre ?? "");
    evaluation = evaluatePredictions(model.labels, data.truth, predicted);
  } else {
    const data = await fromFolders(dir as string, modelDir);
    evaluation = evaluatePredictions(model.labels, data.truth, data.fused);
    if (model.heard) {
      experts = {
        features: evaluatePredictions(model.labels, data.truth, data.features).accuracy,
        heard: evaluatePredictions(model.labels, data.truth, data.heard).accuracy,
      };
    }
  }
  const pngPath = path.resolve(values.png ?? "evaluation.png");
  const title = `Genre model ${model.version} on ${values.features ? path.basename(values.features) : path.basename(dir as string)}${values.split ? ` (${values.split})` : ""}`;
  await writeFile(pngPath, svgToPng(evaluationSvg(evaluation, title)));
  if (values.json) {
    console.log(
      JSON.stringify(
        { modelVersion: model.version, ...evaluation, ...(experts ? { experts } : {}), png: pngPath },
        null,
        2,
      ),
    );
  } else {
    const expertLine = experts
      ? `\nExpert A (57 features) ${pct(experts.features)} · expert B (pretrained networks) ${pct(experts.heard)} · fused ${pct(evaluation.accuracy)}`
      : values.features && model.heard
        ? "\nFrom the 57 features alone (expert A): the table has no audio for the pretrained networks."
        : "";
    console.log(
      `Model ${model.version}${expertLine}\n${formatEvaluation(evaluation)}\n\nChart written to ${pngPath}`,
    );
  }
  return 0;
}

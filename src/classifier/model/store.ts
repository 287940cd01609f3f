import { createHash } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { io, LayersModel } from "@tensorflow/tfjs";
import { UserFacingError } from "../../errors.js";
import { loadTf } from "../tf.js";
import type { GenreScore } from "../types.js";
import type { HeardModel } from "./heard.js";
import { EMBEDDING_LAYER, runNetwork } from "./network.js";
import { applyScaler, type FeatureRecord, type Scaler } from "./scaler.js";

/** The files that define a model's behaviour; their content hash is the model version. */
const MODEL_FILE = "model.json";
const WEIGHTS_FILE = "weights.bin";
const SCALER_FILE = "scaler.json";
const LABELS_FILE = "labels.json";
/** Expert B and its pooling with the MLP (absent in a features-only model). */
const HEARD_FILE = "heard.json";

export interface Prediction {
  /** Every label, highest probability first. */
  genres: GenreScore[];
  /** L2-normalised embedding. */
  embedding: Float32Array;
}

/** A loaded genre model: the network plus the exact input transform and labels it was trained with. */
export interface GenreModel {
  version: string;
  labels: string[];
  embeddingSize: number;
  scaler: Scaler;
  network: LayersModel;
  /** Expert B and the fusion, when the model hears with the pretrained networks too. */
  heard?: HeardModel;
  /** Expert A's probabilities in `labels` order, one row per feature record, in a single batch. */
  probabilities(records: FeatureRecord[]): number[][];
  /** Expert A's prediction per feature record, computed in a single batch. */
  predict(records: FeatureRecord[]): Prediction[];
}

function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** sha256 over weights, scaler, labels and heard.json if there is one (in that order), first 12 hex digits. */
export function modelVersionOf(
  weights: Uint8Array,
  scalerJson: string,
  labelsJson: string,
  heardJson = "",
): string {
  return createHash("sha256")
    .update(weights)
    .update(scalerJson)
    .update(labelsJson)
    .update(heardJson)
    .digest("hex")
    .slice(0, 12);
}

/**
 * Writes model.json + weights.bin (the standard tfjs layers format, via a save handler because
 * plain tfjs has no file:// handler), scaler.json and labels.json. Returns the model version.
 */
export async function saveGenreModel(
  dir: string,
  network: LayersModel,
  scaler: Scaler,
  labels: string[],
  heard?: HeardModel,
): Promise<string> {
  const { tf } = await loadTf();
  let artifacts: io.ModelArtifacts | undefined;
  await network.save(
    tf.io.withSaveHandler(async (saved) => {
      artifacts = saved;
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: "JSON" } };
    }),
  );
  if (!artifacts?.weightData || !artifacts.weightSpecs) throw new Error("tfjs produced no weights to save");
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData));
  const modelJson = toJson({
    format: "layers-model",
    generatedBy: artifacts.generatedBy,
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
  });
  const scalerJson = toJson(scaler);
  const labelsJson = toJson(labels);
  const heardJson = heard ? toJson(heard) : "";
  await mkdir(dir, { recursive: true });
  await Promise.all([
    writeFile(path.join(dir, MODEL_FILE), modelJson),
    writeFile(path.join(dir, WEIGHTS_FILE), weights),
    writeFile(path.join(dir, SCALER_FILE), scalerJson),
    writeFile(path.join(dir, LABELS_FILE), labelsJson),
    heard
      ? writeFile(path.join(dir, HEARD_FILE), heardJson)
      : rm(path.join(dir, HEARD_FILE), { force: true }),
  ]);
  return modelVersionOf(weights, scalerJson, labelsJson, heardJson);
}

async function readModelFile(dir: string, name: string): Promise<Buffer> {
  try {
    return await readFile(path.join(dir, name));
  } catch (error) {
    throw new UserFacingError(
      "model-missing",
      `No genre model in ${dir} (${name} is missing). Train one with \`genrebot train --out ${dir}\`, or unset MODEL_DIR to use the shipped model.`,
      { cause: error },
    );
  }
}

/** heard.json's text, or "" for a features-only model. */
async function readHeardJson(dir: string): Promise<string> {
  try {
    return await readFile(path.join(dir, HEARD_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw error;
  }
}

/** The version of the model in `dir` without loading TensorFlow: a hash of its defining files. */
export async function readModelVersion(dir: string): Promise<string> {
  const [weights, scalerJson, labelsJson] = await Promise.all(
    [WEIGHTS_FILE, SCALER_FILE, LABELS_FILE].map((name) => readModelFile(dir, name)),
  );
  return modelVersionOf(
    weights as Buffer,
    (scalerJson as Buffer).toString("utf8"),
    (labelsJson as Buffer).toString("utf8"),
    await readHeardJson(dir),
  );
}

/** The vector scaled to length 1, so a dot product is a cosine (a zero vector stays as is). */
export function l2Normalise(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm);
  // A zero vector has no direction; leave it as is rather than produce NaNs.
  return norm > 0 ? vector.map((v) => v / norm) : vector;
}

export async function loadGenreModel(dir: string): Promise<GenreModel> {
  const { tf } = await loadTf();
  const [modelJson, weights, scalerJson, labelsJson] = await Promise.all(
    [MODEL_FILE, WEIGHTS_FILE, SCALER_FILE, LABELS_FILE].map((name) => readModelFile(dir, name)),
  );
  const parsed = JSON.parse((modelJson as Buffer).toString("utf8")) as io.ModelJSON;
  const weightSpecs = parsed.weightsManifest.flatMap((group) => group.weights);
  const weightBytes = new Uint8Array(weights as Buffer);
  const network = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: parsed.modelTopology,
      weightSpecs,
      weightData: weightBytes.buffer.slice(
        weightBytes.byteOffset,
        weightBytes.byteOffset + weightBytes.byteLength,
      ),
    }),
  );
  const scaler = JSON.parse((scalerJson as Buffer).toString("utf8")) as Scaler;
  const labels = JSON.parse((labelsJson as Buffer).toString("utf8")) as string[];
  const heardJson = await readHeardJson(dir);
  const heard = heardJson ? (JSON.parse(heardJson) as HeardModel) : undefined;
  const embeddingLayer = network.getLayer(EMBEDDING_LAYER);
  const embeddingSize = (embeddingLayer.outputShape as number[])[1] ?? 0;
  const version = modelVersionOf(
    weightBytes,
    (scalerJson as Buffer).toString("utf8"),
    (labelsJson as Buffer).toString("utf8"),
    heardJson,
  );
  const run = (records: FeatureRecord[]) =>
    runNetwork(tf, network, applyScaler(scaler, records), records.length);
  const rows = (flat: Float32Array, width: number, count: number): number[][] =>
    Array.from({ length: count }, (_, row) => Array.from(flat.subarray(row * width, (row + 1) * width)));
  return {
    version,
    labels,
    embeddingSize,
    scaler,
    network,
    ...(heard ? { heard } : {}),
    probabilities(records) {
      if (records.length === 0) return [];
      return rows(run(records).probabilities, labels.length, records.length);
    },
    predict(records) {
      if (records.length === 0) return [];
      const { probabilities, embeddings } = run(records);
      return records.map((_, row) => {
        const genres = labels
          .map((genre, i) => ({ genre, probability: probabilities[row * labels.length + i] ?? 0 }))
          .sort((a, b) => b.probability - a.probability);
        const embedding = l2Normalise(embeddings.slice(row * embeddingSize, (row + 1) * embeddingSize));
        return { genres, embedding };
      });
    },
  };
}

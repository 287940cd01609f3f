import { readFile } from "node:fs/promises";
import path from "node:path";
import { PRETRAINED_DIR } from "../pretrained/files.js";
import type { SimilarityTransform } from "./embedding.js";

/** The shipped transform, relative to the models folder. */
export const SIMILARITY_TRANSFORM_FILE = path.join("embedding", "similarity-v2.json");

const loaded = new Map<string, Promise<SimilarityTransform>>();

/** models/embedding/similarity-v2.json, read once per process (per worker thread). */
export function loadSimilarityTransform(modelsDir: string = PRETRAINED_DIR): Promise<SimilarityTransform> {
  let transform = loaded.get(modelsDir);
  if (!transform) {
    transform = readFile(path.join(modelsDir, SIMILARITY_TRANSFORM_FILE), "utf8").then(
      (text) => JSON.parse(text) as SimilarityTransform,
    );
    transform.catch(() => loaded.delete(modelsDir));
    loaded.set(modelsDir, transform);
  }
  return transform;
}

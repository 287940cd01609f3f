import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { DEFAULT_MODEL_DIR } from "../config.js";
import { readModelVersion } from "./model/store.js";
import { PRETRAINED_DIR } from "./pretrained/files.js";
import { SIMILARITY_TRANSFORM_FILE } from "./similarity/index.js";

/**
 * The files besides the genre model that decide what a stored record holds: musicnn makes the
 * `dense` layer the similarity embedding is built from, and the transform builds it. (YAMNet only
 * decides whether a clip is indexed at all.)
 */
const RECORD_FILES = [path.join("musicnn", "msd_musicnn.onnx"), SIMILARITY_TRANSFORM_FILE];

const versions = new Map<string, Promise<string>>();

/**
 * The version stamped on every analysis and catalog record: sha256 over the genre model's version
 * and the bytes of RECORD_FILES, first 12 hex digits. A record with another version was made by
 * another model or embedding, and is re-analysed rather than compared with today's.
 */
export function analysisVersion(
  modelDir: string = DEFAULT_MODEL_DIR,
  modelsDir: string = PRETRAINED_DIR,
): Promise<string> {
  const key = `${modelDir}\n${modelsDir}`;
  let version = versions.get(key);
  if (!version) {
    version = (async () => {
      const hash = createHash("sha256").update(await readModelVersion(modelDir));
      for (const file of RECORD_FILES) hash.update(await readFile(path.join(modelsDir, file)));
      return hash.digest("hex").slice(0, 12);
    })();
    version.catch(() => versions.delete(key));
    versions.set(key, version);
  }
  return version;
}

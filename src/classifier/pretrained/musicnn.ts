import { readFile } from "node:fs/promises";
import path from "node:path";
import { PRETRAINED_DIR } from "./files.js";
import { cachedSession, runPatches } from "./onnx.js";

/** musicnn's input patch: 187 log-mel frames (3 s) × 96 bands, row = frame. */
export const MUSICNN_PATCH = { frames: 187, bands: 96 } as const;
/** One patch per call: batch 10 grows onnxruntime's arena by ~400 MB for no CPU saved (bench). */
const MUSICNN_BATCH = 1;

/** What MSD_musicnn hears in one 3 s patch. */
export interface MusicnnPatch {
  /** The 50 MSD tag probabilities, in `musicnnTagNames()` order. */
  tags: Float32Array;
  /** The 200-d `dense` layer after its ReLU. */
  dense: Float32Array;
  /** `dense` after its batch norm: what musicnn's own extractor calls "penultimate". */
  bnDense: Float32Array;
}

export async function runMusicnn(
  patches: readonly Float32Array[],
  modelsDir: string = PRETRAINED_DIR,
): Promise<MusicnnPatch[]> {
  const session = await cachedSession(path.join(modelsDir, "musicnn", "msd_musicnn.onnx"));
  const rows = await runPatches(
    session,
    patches,
    MUSICNN_PATCH,
    ["tags", "dense", "bn_dense"],
    MUSICNN_BATCH,
  );
  return rows.map((r) => ({ tags: r.tags, dense: r.dense, bnDense: r.bn_dense }));
}

const tagNames = new Map<string, Promise<string[]>>();

/** The 50 MSD tag names in output order (models/musicnn/tags.json), read once. */
export function musicnnTagNames(modelsDir: string = PRETRAINED_DIR): Promise<string[]> {
  let names = tagNames.get(modelsDir);
  if (!names) {
    names = readFile(path.join(modelsDir, "musicnn", "tags.json"), "utf8").then(
      (text) => JSON.parse(text) as string[],
    );
    names.catch(() => tagNames.delete(modelsDir));
    tagNames.set(modelsDir, names);
  }
  return names;
}

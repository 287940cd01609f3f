import { readFile } from "node:fs/promises";
import path from "node:path";
import { PRETRAINED_DIR } from "./files.js";
import { cachedSession, runPatches } from "./onnx.js";

/** YAMNet's input patch: 96 log-mel frames (0.96 s) × 64 bands, row = frame. */
export const YAMNET_PATCH = { frames: 96, bands: 64 } as const;
/** Eight patches per call: a little less CPU than one at a time, and the arena stays small (bench). */
const YAMNET_BATCH = 8;

/** What YAMNet hears in one 0.96 s patch. */
export interface YamnetPatch {
  /** The 521 AudioSet class scores (sigmoid), in `yamnetClassNames()` order. */
  scores: Float32Array;
  /** The 1024-d global-average-pooled embedding. */
  embedding: Float32Array;
}

export async function runYamnet(
  patches: readonly Float32Array[],
  modelsDir: string = PRETRAINED_DIR,
): Promise<YamnetPatch[]> {
  const session = await cachedSession(path.join(modelsDir, "yamnet", "yamnet.onnx"));
  return runPatches(session, patches, YAMNET_PATCH, ["scores", "embedding"], YAMNET_BATCH);
}

/** `index,mid,display_name`, the name quoted when it holds a comma. */
const CLASS_LINE = /^(\d+),([^,]+),(?:"([^"]*)"|([^"]*))$/;

const classNames = new Map<string, Promise<string[]>>();

/** The 521 AudioSet display names in output order (models/yamnet/yamnet_class_map.csv), read once. */
export function yamnetClassNames(modelsDir: string = PRETRAINED_DIR): Promise<string[]> {
  let names = classNames.get(modelsDir);
  if (!names) {
    names = readFile(path.join(modelsDir, "yamnet", "yamnet_class_map.csv"), "utf8").then((text) =>
      text
        .split(/\r?\n/)
        .slice(1)
        .filter((line) => line !== "")
        .map((line, i) => {
          const match = CLASS_LINE.exec(line);
          if (!match || Number(match[1]) !== i)
            throw new Error(`yamnet_class_map.csv line ${i + 2} is malformed`);
          return (match[3] ?? match[4]) as string;
        }),
    );
    names.catch(() => classNames.delete(modelsDir));
    classNames.set(modelsDir, names);
  }
  return names;
}

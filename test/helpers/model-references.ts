import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { DATA_DIR } from "../audio-helpers.js";

/** ../shared/models-src: the pretrained weights and their reference outputs (see its README). */
export const MODELS_SRC_DIR = path.resolve(import.meta.dirname, "../../../shared/models-src");

type Matrix = number[][];

/** One `reference/<genre>-<name>.json`: what librosa, musicnn and YAMNet give for a shared clip. */
export interface ModelReference {
  clip: { dataset: string; file: string; format: string; sha256: string };
  musicnn: {
    samples16k_head: number[];
    n_samples16k: number;
    n_frames: number;
    patch_count: number;
    patch0: Matrix;
    MSD_musicnn: Record<
      "dense_mean" | "bn_dense_mean" | "tags_mean" | "patch0_tags" | "patch0_dense",
      number[]
    >;
  };
  yamnet: {
    n_frames: number;
    patch_count: number;
    logmel_patch0: Matrix;
    embedding_mean: number[];
    scores_mean: number[];
    top5: [string, number][];
  };
}

/** The three reference clips, by the name of their JSON file. */
export const REFERENCE_CLIPS = ["rock-1", "classical-1", "hiphop-hiphop.00000"] as const;

export function readModelReference(name: (typeof REFERENCE_CLIPS)[number]): ModelReference {
  return JSON.parse(readFileSync(path.join(MODELS_SRC_DIR, "reference", `${name}.json`), "utf8"));
}

/** The clip's bytes, after checking they are the file the reference was computed from. */
export function readReferenceClip(reference: ModelReference): Uint8Array {
  const { dataset, file, sha256 } = reference.clip;
  const bytes = new Uint8Array(
    readFileSync(path.join(DATA_DIR, dataset === "gtzan" ? "gtzan/audio" : dataset, file)),
  );
  const actual = createHash("sha256").update(bytes).digest("hex");
  if (actual !== sha256) throw new Error(`${dataset}/${file} is not the clip the reference was made from`);
  return bytes;
}

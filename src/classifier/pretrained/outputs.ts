import { musicnnPatches, yamnetPatches } from "../frontends/index.js";
import type { PretrainedOutputs } from "../model/heard.js";
import { runMusicnn } from "./musicnn.js";
import { runYamnet } from "./yamnet.js";

/** musicnn's 3 s patches: 187 frames of hop 256 at 16 kHz, back to back. */
const MUSICNN_PATCH_SECONDS = (187 * 256) / 16000;
/** YAMNet's 0.96 s patches, one every 48 frames of hop 160 (400-sample windows). */
const YAMNET_HOP_SECONDS = (48 * 160) / 16000;
const YAMNET_PATCH_SECONDS = (95 * 160 + 400) / 16000;

export interface HeardPatch extends PretrainedOutputs {
  startSeconds: number;
  endSeconds: number;
}

function mean(rows: readonly ArrayLike<number>[], width: number): Float32Array {
  const sum = new Float64Array(width);
  for (const row of rows) for (let i = 0; i < width; i++) sum[i] = (sum[i] as number) + (row[i] as number);
  return Float32Array.from(sum, (v) => (rows.length > 0 ? v / rows.length : 0));
}

/**
 * What musicnn and YAMNet hear in a 16 kHz clip: clip means over their patches (the genre model's
 * expert B), and the same per 3 s musicnn patch, with the YAMNet patches centred inside it (the
 * timeline). A clip shorter than 3 s has no musicnn patch: its clip outputs are then all zero.
 */
export async function hearClip(
  samples16k: Float32Array,
  modelsDir?: string,
): Promise<{ clip: PretrainedOutputs; patches: HeardPatch[] }> {
  const musicnn = await runMusicnn(musicnnPatches(samples16k), modelsDir);
  const yamnet = await runYamnet(yamnetPatches(samples16k), modelsDir);
  const clip: PretrainedOutputs = {
    dense: mean(
      musicnn.map((p) => p.dense),
      200,
    ),
    bnDense: mean(
      musicnn.map((p) => p.bnDense),
      200,
    ),
    tags: mean(
      musicnn.map((p) => p.tags),
      50,
    ),
    yamnet: mean(
      yamnet.map((p) => p.embedding),
      1024,
    ),
    scores: mean(
      yamnet.map((p) => p.scores),
      521,
    ),
  };
  const patches = musicnn.map((patch, k): HeardPatch => {
    const startSeconds = k * MUSICNN_PATCH_SECONDS;
    const endSeconds = startSeconds + MUSICNN_PATCH_SECONDS;
    const inside = yamnet.filter((_, j) => {
      const centre = j * YAMNET_HOP_SECONDS + YAMNET_PATCH_SECONDS / 2;
      return centre >= startSeconds && centre < endSeconds;
    });
    return {
      startSeconds,
      endSeconds,
      dense: patch.dense,
      bnDense: patch.bnDense,
      tags: patch.tags,
      yamnet: mean(
        inside.map((p) => p.embedding),
        1024,
      ),
      scores: mean(
        inside.map((p) => p.scores),
        521,
      ),
    };
  });
  return { clip, patches };
}

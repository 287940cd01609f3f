import { type MusicnnHearing, meanOf, type YamnetHearing } from "../hearing.js";
import type { PretrainedOutputs } from "../model/heard.js";

/** YAMNet's 0.96 s patches, one every 48 frames of hop 160 (400-sample windows). */
const YAMNET_HOP_SECONDS = (48 * 160) / 16000;
const YAMNET_PATCH_SECONDS = (95 * 160 + 400) / 16000;

/** What the genre model's expert B reads of a clip: the two hearings' clip means. */
export function clipOutputsOf(musicnn: MusicnnHearing, yamnet: YamnetHearing): PretrainedOutputs {
  return {
    dense: musicnn.dense,
    densePatches: musicnn.outputs.map((p) => p.dense),
    bnDense: musicnn.bnDense,
    tags: musicnn.tagValues,
    yamnet: yamnet.embedding,
    scores: yamnet.scores,
  };
}

/**
 * The same per 3 s musicnn patch (the timeline): its own musicnn outputs, and YAMNet's scores
 * averaged over the 0.96 s patches centred inside it.
 */
export function patchOutputsOf(musicnn: MusicnnHearing, yamnet: YamnetHearing): PretrainedOutputs[] {
  return musicnn.outputs.map((patch, k) => {
    const picture = musicnn.patches[k];
    const inside = yamnet.scoresPerPatch.filter((_, j) => {
      const centre = j * YAMNET_HOP_SECONDS + YAMNET_PATCH_SECONDS / 2;
      return picture !== undefined && centre >= picture.startSeconds && centre < picture.endSeconds;
    });
    return {
      dense: patch.dense,
      densePatches: [patch.dense],
      bnDense: patch.bnDense,
      tags: patch.tags,
      yamnet: yamnet.embedding,
      scores: meanOf(inside, yamnet.scores.length),
    };
  });
}

import { musicnnTagNames, yamnetClassNames } from "../pretrained/index.js";
import type { GenreScore } from "../types.js";
import {
  expertB,
  fuseGated,
  headClipProbabilities,
  mappedEvidence,
  type PretrainedOutputs,
  ranked,
} from "./heard.js";
import type { FeatureRecord } from "./scaler.js";
import type { GenreModel } from "./store.js";

export interface FusedPrediction {
  /** The fused distribution, highest first. */
  genres: GenreScore[];
  experts: { features: GenreScore[]; heard: GenreScore[] };
}

/**
 * The full genre v2 model on clips it heard: expert A on the 57 features, expert B on the
 * pretrained outputs, fused as heard.json says. One batch for A.
 */
export async function heardGenres(
  model: GenreModel,
  clips: ReadonlyArray<{ features: FeatureRecord; outputs: PretrainedOutputs }>,
): Promise<FusedPrediction[]> {
  const heard = model.heard;
  if (!heard) throw new Error("this genre model has no expert B (heard.json)");
  const names = { tags: await musicnnTagNames(), classes: await yamnetClassNames() };
  const records = clips.map((c) => c.features);
  const pA = model.probabilities(records);
  const headP = headClipProbabilities(heard.head, clips);
  return clips.map((clip, i) => {
    const a = pA[i] as number[];
    const b = expertB(
      model.labels,
      heard.head,
      headP[i] as number[],
      mappedEvidence(model.labels, heard.mapping, clip.outputs, names),
    );
    const fused = fuseGated(model.labels, heard.head.labels, a, b, heard.fusion);
    return {
      genres: ranked(model.labels, fused),
      experts: { features: ranked(model.labels, a), heard: ranked(model.labels, b) },
    };
  });
}

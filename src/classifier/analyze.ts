import { atRate, decodeMono, MODEL_SAMPLE_RATE, NETWORK_SAMPLE_RATE } from "../audio/index.js";
import { DEFAULT_MODEL_DIR } from "../config.js";
import { analyzeFrames, FEATURE_NAMES, isFeatureName, summarizeFrames } from "./features/index.js";
import { musicnnPatches, yamnetPatches } from "./frontends/index.js";
import { hearWithMusicnn, hearWithYamnet } from "./hearing.js";
import { heardGenres } from "./model/fused.js";
import { type GenreModel, l2Normalise, loadGenreModel } from "./model/store.js";
import { assertAudible, NotMusicError } from "./not-music.js";
import { clipOutputsOf, patchOutputsOf } from "./pretrained/outputs.js";
import { loadSimilarityTransform, similarityEmbedding } from "./similarity/index.js";
import type { Analysis, TimelineWindow } from "./types.js";
import { analysisVersion } from "./version.js";

export const TIMELINE_WINDOW_SECONDS = 10;
export const TIMELINE_HOP_SECONDS = 5;

const models = new Map<string, Promise<GenreModel>>();

/** The model in `modelDir`, loaded once per process (per worker thread) and then shared. */
export function cachedGenreModel(modelDir: string = DEFAULT_MODEL_DIR): Promise<GenreModel> {
  let model = models.get(modelDir);
  if (!model) {
    model = loadGenreModel(modelDir);
    // A failed load (e.g. the folder is not there yet) must not be cached forever.
    model.catch(() => models.delete(modelDir));
    models.set(modelDir, model);
  }
  return model;
}

/**
 * Window boundaries in samples: 10 s windows every 5 s from the start, so the windows cover the
 * whole clip. A short tail (under half a hop, e.g. a "30 s" preview that is 30.003 s) is folded
 * into the last window; a longer one gets a final window flush with the end. A clip shorter than
 * a window is one window.
 */
export function timelineWindows(
  totalSamples: number,
  sampleRate: number,
): Array<{ start: number; end: number }> {
  const size = TIMELINE_WINDOW_SECONDS * sampleRate;
  const hop = TIMELINE_HOP_SECONDS * sampleRate;
  if (totalSamples <= size) return [{ start: 0, end: totalSamples }];
  const windows: Array<{ start: number; end: number }> = [];
  for (let start = 0; start + size <= totalSamples; start += hop) windows.push({ start, end: start + size });
  const last = windows.at(-1) as { start: number; end: number };
  if (totalSamples - last.end <= hop / 2) last.end = totalSamples;
  else windows.push({ start: totalSamples - size, end: totalSamples });
  return windows;
}

/**
 * Bytes of any supported audio file → genre distribution, timeline, tags, music judgement,
 * similarity embedding (v2, from musicnn's `dense` layer: see similarity/). One decode feeds two rates: 16 kHz for the pretrained networks, 22.05 kHz for the
 * 57 features. YAMNet listens first (the cheapest network) and a clip it hears no music in is
 * refused before anything else runs. musicnn names the clip's tags and each 3 s patch's.
 * The genre head reads the 57 features as before: one frame-level pass over the whole clip; the
 * whole clip's summary drives the headline genres and each timeline window is classified from
 * the summary of its own frames (a rough picture: see summarizeFrames), all in one batched
 * inference. `features` are all 57 of the whole clip; the windows summarise only the features the
 * model reads (the shipped model ignores tempo, the costliest summary).
 */
export async function analyzeAudio(
  bytes: Uint8Array,
  options: { modelDir?: string } = {},
): Promise<Analysis> {
  // Decode first: a file refused for its size or shape never costs a model load; a silent one
  // is refused by its loudness before any network runs.
  const decoded = await decodeMono(bytes);
  assertAudible(decoded.samples);
  const model = await cachedGenreModel(options.modelDir);
  const network = atRate(decoded, NETWORK_SAMPLE_RATE).samples;
  const yamnet = await hearWithYamnet(yamnetPatches(network));
  if (!yamnet.music.isMusic) throw new NotMusicError("YAMNet heard no music (speech, noise or silence)");
  const musicnn = await hearWithMusicnn(musicnnPatches(network), yamnet);

  const audio = atRate(decoded, MODEL_SAMPLE_RATE);
  const frames = analyzeFrames(audio.samples);
  const features = summarizeFrames(frames, FEATURE_NAMES);
  // A name the extractor does not know is left out here and reported as missing by the scaler.
  const modelNames = model.scaler.featureNames.filter(isFeatureName);
  const heard = {
    tags: musicnn.tags,
    music: yamnet.music,
    patches: musicnn.patches,
    // Similarity v2: what musicnn hears, through the transform fitted on Emotify 1–60, scaled to
    // length 1 as the catalog compares by dot product (cosines are unchanged).
    embedding: l2Normalise(similarityEmbedding(await loadSimilarityTransform(), musicnn.dense)),
    modelVersion: await analysisVersion(options.modelDir),
    durationSeconds: audio.durationSeconds,
    features,
  };
  if (model.heard) {
    // Genre v2: both experts, fused; the timeline is musicnn's 3 s patches, each classified from
    // its own features and network outputs.
    const patchOutputs = patchOutputsOf(musicnn, yamnet);
    const clips = [
      { features, outputs: clipOutputsOf(musicnn, yamnet) },
      ...musicnn.patches.map((p, i) => ({
        features: {
          ...features,
          ...summarizeFrames(frames, modelNames, {
            start: Math.round(p.startSeconds * audio.sampleRate),
            end: Math.min(audio.samples.length, Math.round(p.endSeconds * audio.sampleRate)),
          }),
        },
        outputs: patchOutputs[i] as (typeof patchOutputs)[number],
      })),
    ];
    const [whole, ...perPatch] = await heardGenres(model, clips);
    if (!whole) throw new Error("the model returned no prediction");
    return {
      ...heard,
      genres: whole.genres,
      experts: whole.experts,
      timeline: musicnn.patches.map((p, i) => ({
        startSeconds: p.startSeconds,
        endSeconds: p.endSeconds,
        genres: perPatch[i]?.genres ?? [],
      })),
    };
  }
  const windows = timelineWindows(audio.samples.length, audio.sampleRate);
  const windowFeatures = windows.map((range) => summarizeFrames(frames, modelNames, range));
  const [whole, ...perWindow] = model.predict([features, ...windowFeatures]);
  if (!whole) throw new Error("the model returned no prediction");
  const timeline: TimelineWindow[] = windows.map(({ start, end }, i) => ({
    startSeconds: start / audio.sampleRate,
    endSeconds: end / audio.sampleRate,
    genres: perWindow[i]?.genres ?? [],
  }));
  return { ...heard, genres: whole.genres, timeline };
}

import { decodeAudio } from "../audio/index.js";
import { DEFAULT_MODEL_DIR } from "../config.js";
import { extractFeatures } from "./features/index.js";
import { type GenreModel, loadGenreModel } from "./model/store.js";
import type { Analysis, TimelineWindow } from "./types.js";

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
 * Bytes of any supported audio file → genre distribution, timeline, embedding. The whole clip's
 * features drive the headline genres and the embedding; each timeline window is classified from
 * its own features, all in one batched inference.
 */
export async function analyzeAudio(
  bytes: Uint8Array,
  options: { modelDir?: string } = {},
): Promise<Analysis> {
  const model = await cachedGenreModel(options.modelDir);
  const audio = await decodeAudio(bytes);
  const features = extractFeatures(audio.samples);
  const windows = timelineWindows(audio.samples.length, audio.sampleRate);
  const windowFeatures = windows.map(({ start, end }) => extractFeatures(audio.samples.subarray(start, end)));
  const [whole, ...perWindow] = model.predict([features, ...windowFeatures]);
  if (!whole) throw new Error("the model returned no prediction");
  const timeline: TimelineWindow[] = windows.map(({ start, end }, i) => ({
    startSeconds: start / audio.sampleRate,
    endSeconds: end / audio.sampleRate,
    genres: perWindow[i]?.genres ?? [],
  }));
  return {
    genres: whole.genres,
    timeline,
    embedding: whole.embedding,
    modelVersion: model.version,
    durationSeconds: audio.durationSeconds,
    features,
  };
}

import { musicnnTagNames, runMusicnn, runYamnet, yamnetClassNames } from "./pretrained/index.js";
import type { MusicJudgement, PatchPicture, TagScore } from "./types.js";

/** musicnn patches: 187 frames of hop 256 at 16 kHz, back to back. */
const MUSICNN_PATCH_SECONDS = (187 * 256) / 16000;
/** YAMNet patches: 96 frames of hop 160 at 16 kHz (400-sample windows), one every 48 frames. */
const YAMNET_HOP_SECONDS = (48 * 160) / 16000;
const YAMNET_PATCH_SECONDS = (95 * 160 + 400) / 16000;
/** Tags shown per 3 s patch in the picture. */
const PATCH_TAGS = 5;

/** The AudioSet classes that decide music vs speech vs silence. */
const MUSIC_CLASS = "Music";
const SPEECH_CLASS = "Speech";
const SILENCE_CLASS = "Silence";
/**
 * A clip is music when YAMNet's clip-mean "Music" score reaches this and beats "Speech" and
 * "Silence". Measured (bench pretrained, `music` section): every Emotify 1–80 and GTZAN clip
 * scores far above it; speech and digital silence far below.
 */
const MUSIC_THRESHOLD = 0.2;

/** What the pretrained networks hear in one clip. */
export interface Hearing {
  /** The 50 MSD tags, clip mean over the 3 s patches, highest first. */
  tags: TagScore[];
  music: MusicJudgement;
  /** One entry per 3 s musicnn patch. */
  patches: PatchPicture[];
  /** Clip means of musicnn's `dense` (200) and `bn_dense` (200) and YAMNet's embedding (1024). */
  dense: Float32Array;
  bnDense: Float32Array;
  yamnetEmbedding: Float32Array;
}

function meanOf(rows: readonly Float32Array[], width: number): Float32Array {
  const mean = new Float32Array(width);
  if (rows.length === 0) return mean;
  const sum = new Float64Array(width);
  for (const row of rows) for (let i = 0; i < width; i++) sum[i] = (sum[i] as number) + (row[i] as number);
  for (let i = 0; i < width; i++) mean[i] = (sum[i] as number) / rows.length;
  return mean;
}

function ranked(names: readonly string[], probabilities: Float32Array, count = names.length): TagScore[] {
  return names
    .map((tag, i) => ({ tag, probability: probabilities[i] as number }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, count);
}

function classIndex(names: readonly string[], name: string): number {
  const index = names.indexOf(name);
  if (index < 0) throw new Error(`YAMNet's class map has no "${name}"`);
  return index;
}

/**
 * Runs musicnn over its 3 s patches and YAMNet over its 0.96 s patches of the same 16 kHz clip.
 * A clip too short for one patch of a network hears nothing from it (empty tags, not music).
 */
export async function hear(
  musicnnPatches: readonly Float32Array[],
  yamnetPatches: readonly Float32Array[],
  modelsDir?: string,
): Promise<Hearing> {
  const [tagNames, classNames] = await Promise.all([musicnnTagNames(modelsDir), yamnetClassNames(modelsDir)]);
  const musicnn = await runMusicnn(musicnnPatches, modelsDir);
  const yamnet = await runYamnet(yamnetPatches, modelsDir);
  const music = classIndex(classNames, MUSIC_CLASS);
  const speech = classIndex(classNames, SPEECH_CLASS);
  const silence = classIndex(classNames, SILENCE_CLASS);

  const scores = meanOf(
    yamnet.map((p) => p.scores),
    classNames.length,
  );
  const judgement = {
    music: scores[music] as number,
    speech: scores[speech] as number,
    silence: scores[silence] as number,
  };
  const isMusic =
    judgement.music >= MUSIC_THRESHOLD &&
    judgement.music > judgement.speech &&
    judgement.music > judgement.silence;

  const patches = musicnn.map((patch, k): PatchPicture => {
    const startSeconds = k * MUSICNN_PATCH_SECONDS;
    const endSeconds = startSeconds + MUSICNN_PATCH_SECONDS;
    // YAMNet's patches whose centre falls inside this one.
    const inside = yamnet.filter((_, j) => {
      const centre = j * YAMNET_HOP_SECONDS + YAMNET_PATCH_SECONDS / 2;
      return centre >= startSeconds && centre < endSeconds;
    });
    const musicScore =
      inside.length > 0 ? inside.reduce((s, p) => s + (p.scores[music] as number), 0) / inside.length : 0;
    return { startSeconds, endSeconds, tags: ranked(tagNames, patch.tags, PATCH_TAGS), music: musicScore };
  });

  return {
    tags:
      musicnn.length > 0
        ? ranked(
            tagNames,
            meanOf(
              musicnn.map((p) => p.tags),
              tagNames.length,
            ),
          )
        : [],
    music: { ...judgement, isMusic },
    patches,
    dense: meanOf(
      musicnn.map((p) => p.dense),
      200,
    ),
    bnDense: meanOf(
      musicnn.map((p) => p.bnDense),
      200,
    ),
    yamnetEmbedding: meanOf(
      yamnet.map((p) => p.embedding),
      1024,
    ),
  };
}

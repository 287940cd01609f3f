import {
  type MusicnnPatch,
  musicnnTagNames,
  runMusicnn,
  runYamnet,
  yamnetClassNames,
} from "./pretrained/index.js";
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
 * A YAMNet patch (0.96 s) hears music when its "Music" score is at least MUSIC_SCORE and above its
 * "Speech" score (music under a voice-over is speech); a clip is music when at least MUSIC_SHARE
 * of its patches do. Measured on every Emotify clip (ids 1–80 of the 4 genres) and the ten GTZAN
 * clips: shares of 0.87–1.00 on GTZAN, 0.16–1.00 on 319 Emotify clips and 0 on electronic/68
 * (YAMNet hears water and animals in that soundscape, Music 0.005); 0 on speech and on silence.
 */
const MUSIC_SCORE = 0.2;
const MUSIC_SHARE = 0.1;

/** Tags worth showing a person: at most this many, each at least this likely. */
const NOTABLE_TAGS = 3;
const NOTABLE_PROBABILITY = 0.1;

/** The few tags worth naming ("rock · classic rock · alternative"): the likeliest that clear 10 %. */
export function notableTags(tags: readonly TagScore[]): TagScore[] {
  return tags.filter((t) => t.probability >= NOTABLE_PROBABILITY).slice(0, NOTABLE_TAGS);
}

/** What YAMNet hears in one clip: the judgement, its patches' scores, and its mean embedding. */
export interface YamnetHearing {
  music: MusicJudgement;
  /** Each 0.96 s patch's "Music" score, patch j starting at 0.48·j s. */
  musicPerPatch: Float32Array;
  embedding: Float32Array;
  /** The 521 AudioSet class scores: clip mean, and per patch (the genre model's mapping reads them). */
  scores: Float32Array;
  scoresPerPatch: Float32Array[];
}

/** What musicnn hears in one clip. */
export interface MusicnnHearing {
  /** The 50 MSD tags, clip mean over the 3 s patches, highest first. */
  tags: TagScore[];
  /** One entry per 3 s patch, with YAMNet's music score over the same seconds. */
  patches: PatchPicture[];
  /** Clip means of `dense` and `bn_dense` (200 each), and of the 50 tags in output order. */
  dense: Float32Array;
  bnDense: Float32Array;
  tagValues: Float32Array;
  /** What musicnn outputs for each 3 s patch (the genre model's timeline). */
  outputs: MusicnnPatch[];
}

/** The element-wise mean of equally long rows (zeros when there are none). */
export function meanOf(rows: readonly Float32Array[], width: number): Float32Array {
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
 * YAMNet over its 0.96 s patches: is this music? (Clip means of the Music, Speech and Silence
 * scores; a clip too short for one patch hears nothing and is not music.)
 */
export async function hearWithYamnet(
  patches: readonly Float32Array[],
  modelsDir?: string,
): Promise<YamnetHearing> {
  const classNames = await yamnetClassNames(modelsDir);
  const outputs = await runYamnet(patches, modelsDir);
  const music = classIndex(classNames, MUSIC_CLASS);
  const speech = classIndex(classNames, SPEECH_CLASS);
  const silence = classIndex(classNames, SILENCE_CLASS);
  const scores = meanOf(
    outputs.map((p) => p.scores),
    classNames.length,
  );
  const heardMusic = outputs.filter(
    (p) =>
      (p.scores[music] as number) >= MUSIC_SCORE &&
      (p.scores[music] as number) > (p.scores[speech] as number),
  ).length;
  const musicShare = outputs.length > 0 ? heardMusic / outputs.length : 0;
  const judgement: MusicJudgement = {
    isMusic: heardMusic > 0 && musicShare >= MUSIC_SHARE,
    musicShare,
    music: scores[music] as number,
    speech: scores[speech] as number,
    silence: scores[silence] as number,
  };
  return {
    music: judgement,
    musicPerPatch: Float32Array.from(outputs, (p) => p.scores[music] as number),
    embedding: meanOf(
      outputs.map((p) => p.embedding),
      1024,
    ),
    scores,
    scoresPerPatch: outputs.map((p) => p.scores),
  };
}

/** musicnn over its 3 s patches: tags for the clip and for each patch. */
export async function hearWithMusicnn(
  patches: readonly Float32Array[],
  yamnet: YamnetHearing,
  modelsDir?: string,
): Promise<MusicnnHearing> {
  const tagNames = await musicnnTagNames(modelsDir);
  const outputs = await runMusicnn(patches, modelsDir);
  const tagValues = meanOf(
    outputs.map((p) => p.tags),
    tagNames.length,
  );
  const pictures = outputs.map((patch, k): PatchPicture => {
    const startSeconds = k * MUSICNN_PATCH_SECONDS;
    const endSeconds = startSeconds + MUSICNN_PATCH_SECONDS;
    // YAMNet's patches whose centre falls inside this one.
    const inside = Array.from(yamnet.musicPerPatch).filter((_, j) => {
      const centre = j * YAMNET_HOP_SECONDS + YAMNET_PATCH_SECONDS / 2;
      return centre >= startSeconds && centre < endSeconds;
    });
    const music = inside.length > 0 ? inside.reduce((a, b) => a + b, 0) / inside.length : 0;
    return { startSeconds, endSeconds, tags: ranked(tagNames, patch.tags, PATCH_TAGS), music };
  });
  return {
    tags: outputs.length > 0 ? ranked(tagNames, tagValues) : [],
    tagValues,
    outputs,
    patches: pictures,
    dense: meanOf(
      outputs.map((p) => p.dense),
      200,
    ),
    bnDense: meanOf(
      outputs.map((p) => p.bnDense),
      200,
    ),
  };
}

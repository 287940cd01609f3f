import { AudioError } from "../audio/index.js";

/**
 * The one answer to a clip with no music in it (silence, near-silence, speech, noise): one
 * sentence, and it is never indexed. The analysis core raises it from either judge: loudness here
 * (cheap, before any network runs) and YAMNet's music-vs-speech-vs-silence judgement (hearing.ts);
 * `reason` says which, for logs. An AudioError, so every path already treats it as bad input: the
 * member hears the sentence, bulk indexing counts the file as failed and names it.
 */
export class NotMusicError extends AudioError {
  constructor(
    /** What the judge heard instead, e.g. "silence". */
    readonly reason: string,
  ) {
    super("no-music", "I couldn't hear any music in this.");
  }
}

/** Frames of ~93 ms at 22 050 Hz: long enough to span a beat, short enough to see silence between. */
const FRAME = 2048;
/** −60 dBFS: below any recorded music's loud passages, above dither and tape hiss alone. */
const QUIET_RMS = 10 ** (-60 / 20);
/**
 * The loudest tenth of the clip must reach QUIET_RMS: one click or a fade-in does not make music.
 * Measured on 400 Emotify clips: the quietest clip's loudest tenth is at −32 dBFS.
 */
const LOUD_SHARE = 0.1;

/** Throws NotMusicError for a clip that is silent or nearly so throughout. */
export function assertAudible(samples: Float32Array): void {
  const levels: number[] = [];
  for (let start = 0; start + FRAME <= samples.length; start += FRAME) {
    let sum = 0;
    for (let i = start; i < start + FRAME; i++) sum += (samples[i] as number) ** 2;
    levels.push(Math.sqrt(sum / FRAME));
  }
  levels.sort((a, b) => b - a);
  const loudTenth = levels[Math.floor(levels.length * LOUD_SHARE)] ?? 0;
  if (loudTenth < QUIET_RMS) throw new NotMusicError("silence (loudest tenth below −60 dBFS)");
}

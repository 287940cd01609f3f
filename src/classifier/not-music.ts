import { UserFacingError } from "../errors.js";

/**
 * A clip with no music in it: answered in one sentence and never indexed. The analysis core raises
 * it; today's judge is loudness (silence, near-silence), and a judge that can tell speech or noise
 * from music (YAMNet) raises the same error with its own `reason`, so every path already treats it
 * right: the member hears the sentence, bulk indexing counts the file as failed and names it.
 */
export class NotMusicError extends UserFacingError {
  constructor(
    /** For logs: what the judge heard instead, e.g. "silence". */
    readonly reason: string,
  ) {
    super("not-music", "I couldn't hear any music in this. Send a recording with music in it.");
  }
}

/** Frames of ~93 ms at 22 050 Hz: long enough to span a beat, short enough to see silence between. */
const FRAME = 2048;
/** −60 dBFS: below any recorded music's loud passages, above dither and tape hiss alone. */
const QUIET_RMS = 10 ** (-60 / 20);
/** The loudest tenth of the clip must reach QUIET_RMS: one click or a fade-in does not make music. */
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
  if (loudTenth < QUIET_RMS) throw new NotMusicError("silence");
}

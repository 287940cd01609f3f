import { decodeToMono } from "./decode.js";
import { AudioError } from "./error.js";
import { headerDurationSeconds } from "./header-duration.js";
import { type AudioLimits, checkDuration, checkSize, DEFAULT_AUDIO_LIMITS, tooLong } from "./limits.js";
import { resample } from "./resample.js";
import { ACCEPTED_FORMATS, sniff } from "./sniff.js";

/** The rate librosa loads at by default, and so the rate every model feature is computed at. */
export const MODEL_SAMPLE_RATE = 22050;

export interface DecodedAudio {
  samples: Float32Array;
  sampleRate: number;
  durationSeconds: number;
}

/**
 * Any supported file → mono float32 at 22 050 Hz, the samples `librosa.load(path)` (0.9.2,
 * defaults) would return: decoded, channels averaged, resampled with resampy's `kaiser_best`.
 * Throws AudioError (friendly message, stable code) for anything we can't or won't listen to.
 */
export async function decodeAudio(bytes: Uint8Array, limits?: Partial<AudioLimits>): Promise<DecodedAudio> {
  const effective: AudioLimits = { ...DEFAULT_AUDIO_LIMITS, ...limits };
  checkSize(bytes, effective);

  const sniffed = sniff(bytes);
  if (sniffed.kind === "not-audio") {
    throw new AudioError(
      "not-audio",
      `That file is ${sniffed.description}, not audio. Send me a song as ${ACCEPTED_FORMATS}.`,
    );
  }
  if (sniffed.kind !== "audio") {
    const what =
      sniffed.kind === "other-audio"
        ? `${sniffed.description} audio, which I can't read`
        : "not a format I recognise";
    throw new AudioError("unsupported-format", `That file is ${what}. I can listen to ${ACCEPTED_FORMATS}.`);
  }

  const claimed = headerDurationSeconds(bytes, sniffed.format, sniffed.dataStart);
  if (claimed !== undefined && claimed > effective.maxSeconds) throw tooLong(claimed, effective);

  const { samples, sampleRate } = await decodeToMono(bytes, sniffed.format, effective);
  const durationSeconds = samples.length / sampleRate;
  checkDuration(durationSeconds, effective);
  return {
    samples: resample(samples, sampleRate, MODEL_SAMPLE_RATE),
    sampleRate: MODEL_SAMPLE_RATE,
    durationSeconds,
  };
}

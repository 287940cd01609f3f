import { decodeToMono } from "./decode.js";
import { AudioError } from "./error.js";
import { headerShape } from "./header-shape.js";
import { type AudioLimits, checkDuration, checkShape, checkSize, DEFAULT_AUDIO_LIMITS } from "./limits.js";
import { resample } from "./resample.js";
import { ACCEPTED_FORMATS, sniff } from "./sniff.js";

/** The rate librosa loads at by default, and so the rate every model feature is computed at. */
export const MODEL_SAMPLE_RATE = 22050;
/** The rate musicnn and YAMNet listen at (`librosa.load(path, sr=16000)`). */
export const NETWORK_SAMPLE_RATE = 16000;

/** Mono float32 samples at `sampleRate`. */
export interface DecodedAudio {
  samples: Float32Array;
  sampleRate: number;
  durationSeconds: number;
}

/**
 * Any supported file → mono float32 at its own sample rate: decoded and channels averaged, as
 * librosa has it just before resampling. Decode once, then `atRate` for each rate a consumer
 * needs (22 050 Hz for the features, 16 kHz for the networks): `atRate(decoded, sr)` is exactly
 * `librosa.load(path, sr=sr)`. Throws AudioError (friendly message, stable code) for anything we
 * can't or won't listen to.
 */
export async function decodeMono(bytes: Uint8Array, limits?: Partial<AudioLimits>): Promise<DecodedAudio> {
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

  // What the file may cost is decided from its header before any decoder allocates anything.
  const claimed = headerShape(bytes, sniffed.format, sniffed.dataStart);
  if (claimed) checkShape(claimed, effective);

  const { samples, sampleRate } = await decodeToMono(bytes, sniffed.format, effective);
  const durationSeconds = samples.length / sampleRate;
  checkDuration(durationSeconds, effective);
  return { samples, sampleRate, durationSeconds };
}

/** The decoded audio resampled to `sampleRate` with resampy's `kaiser_best`, as librosa does. */
export function atRate(audio: DecodedAudio, sampleRate: number): DecodedAudio {
  return { ...audio, samples: resample(audio.samples, audio.sampleRate, sampleRate), sampleRate };
}

/** `librosa.load(path)` with its defaults: decodeMono at 22 050 Hz, the rate of the 57 features. */
export async function decodeAudio(bytes: Uint8Array, limits?: Partial<AudioLimits>): Promise<DecodedAudio> {
  return atRate(await decodeMono(bytes, limits), MODEL_SAMPLE_RATE);
}

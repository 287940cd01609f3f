import { AudioError } from "./error.js";

export interface AudioLimits {
  /** Largest file accepted, checked before decoding (files are read only this far, plus one byte). */
  maxBytes: number;
  /** Longest recording accepted, at its own sample rate; refused from the header when it tells, else while decoding. */
  maxSeconds: number;
  /** Shortest recording that still gives meaningful features (a few analysis frames). */
  minSeconds: number;
  /** Most channels accepted (7.1 surround). */
  maxChannels: number;
  /** Highest source sample rate accepted. */
  maxSampleRate: number;
  /**
   * Most decoded samples one file may cost: frames × channels, counting a mono file as two channels
   * because its downmix buffer is held whole. Ten minutes of 48 kHz stereo. Without this, a small
   * file could declare 8 channels at 192 kHz for ten minutes and cost gigabytes while decoding.
   */
  sampleBudget: number;
}

export const DEFAULT_AUDIO_LIMITS: Readonly<AudioLimits> = Object.freeze({
  maxBytes: 25 * 1024 * 1024, // Discord's upload cap for ordinary servers
  maxSeconds: 10 * 60,
  minSeconds: 2,
  maxChannels: 8,
  maxSampleRate: 192_000,
  sampleBudget: 10 * 60 * 48_000 * 2,
});

/** Rates below this are not music files anyone would send; treat them as damage. */
export const MIN_SAMPLE_RATE = 4000;

export function checkSize(bytes: Uint8Array, limits: AudioLimits): void {
  if (bytes.length === 0)
    throw new AudioError("empty", "That file is empty, so there's nothing for me to listen to.");
  if (bytes.length > limits.maxBytes) throw tooLarge(limits);
}

/** Files are read only up to the cap plus one byte, so the refusal cannot name the real size. */
export function tooLarge(limits: AudioLimits): AudioError {
  return new AudioError(
    "too-large",
    `That file is over ${formatMegabytes(limits.maxBytes)}, the most I can take. Send a shorter clip or a compressed copy (MP3, OGG).`,
  );
}

export function tooLong(seconds: number | undefined, limits: AudioLimits): AudioError {
  const limit = formatDuration(limits.maxSeconds);
  const message =
    seconds === undefined
      ? `That recording is longer than ${limit}; I can listen to at most ${limit}.`
      : `That recording is ${formatDuration(seconds, "over", limit)} long; I can listen to at most ${limit}.`;
  return new AudioError("too-long", message);
}

export function checkDuration(seconds: number, limits: AudioLimits): void {
  if (seconds > limits.maxSeconds) throw tooLong(seconds, limits);
  if (seconds < limits.minSeconds) {
    throw new AudioError(
      "too-short",
      `That recording is only ${formatDuration(seconds, "under", formatDuration(limits.minSeconds))} long; I need at least ${formatDuration(limits.minSeconds)} to tell what it sounds like.`,
    );
  }
}

/** What decoding a stream costs, as far as its header or the decoder has told. */
export interface StreamShape {
  channels: number;
  sampleRate: number;
  /** Frames (samples per channel), when known. */
  frames?: number;
}

/**
 * Refuses a stream whose shape or size is beyond the limits, with the reason a person can act on.
 * Called on the header's claims before decoding and again, `partial`, on what the decoder has
 * produced so far (a lower bound on the length, so the message says "longer than").
 */
export function checkShape(shape: StreamShape, limits: AudioLimits, partial = false): void {
  const { channels, sampleRate, frames } = shape;
  if (!(channels >= 1) || !(sampleRate >= MIN_SAMPLE_RATE)) throw corrupt();
  if (channels > limits.maxChannels) {
    throw new AudioError(
      "too-many-channels",
      `That recording has ${channels} channels; I can listen to at most ${limits.maxChannels} (stereo up to 7.1 surround).`,
    );
  }
  if (sampleRate > limits.maxSampleRate) {
    throw new AudioError(
      "sample-rate",
      `That recording is sampled at ${formatKilohertz(sampleRate)}; I can listen to at most ${formatKilohertz(limits.maxSampleRate)}.`,
    );
  }
  if (frames === undefined) return;
  if (frames > limits.maxSeconds * sampleRate)
    throw tooLong(partial ? undefined : frames / sampleRate, limits);
  if (frames * Math.max(channels, 2) > limits.sampleBudget) {
    const length = partial ? "" : ` for ${formatDuration(frames / sampleRate)}`;
    throw new AudioError(
      "too-much-audio",
      `That recording holds more audio than I can take at once (${channels} channel${channels === 1 ? "" : "s"} at ${formatKilohertz(sampleRate)}${length}). Send a stereo copy at 48 kHz or less.`,
    );
  }
}

export function corrupt(cause?: unknown): AudioError {
  return new AudioError(
    "corrupt",
    "I couldn't decode that file: it looks damaged or incomplete. Try exporting it again or sending a different copy.",
    { cause },
  );
}

/**
 * "62 minutes", "10 minutes 12 seconds", "45 seconds", "0.2 seconds". A length that would print
 * the same as the limit it breaks becomes "just over 10 minutes" (`side` and `limit` given), so a
 * message never says "10 minutes long; at most 10 minutes".
 */
export function formatDuration(seconds: number, side?: "over" | "under", limit?: string): string {
  const text = plainDuration(seconds);
  return side && text === limit ? `just ${side} ${text}` : text;
}

function plainDuration(seconds: number): string {
  if (seconds >= 120) {
    const whole = Math.floor(seconds);
    const minutes = Math.floor(whole / 60);
    const rest = whole % 60;
    if (minutes >= 60 || rest === 0) return `${minutes} minutes`;
    return `${minutes} minutes ${rest} second${rest === 1 ? "" : "s"}`;
  }
  if (seconds >= 10) return `${Math.floor(seconds)} seconds`;
  const rounded = Math.round(seconds * 10) / 10;
  return `${rounded} second${rounded === 1 ? "" : "s"}`;
}

function formatMegabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? Math.round(mb) : Math.round(mb * 10) / 10} MB`;
}

function formatKilohertz(rate: number): string {
  return `${Math.round(rate / 100) / 10} kHz`;
}

import { AudioError } from "./error.js";

export interface AudioLimits {
  /** Largest file accepted, checked before decoding. */
  maxBytes: number;
  /** Longest recording accepted; refused from the header when it tells, else while decoding. */
  maxSeconds: number;
  /** Shortest recording that still gives meaningful features (a few analysis frames). */
  minSeconds: number;
}

export const DEFAULT_AUDIO_LIMITS: Readonly<AudioLimits> = Object.freeze({
  maxBytes: 25 * 1024 * 1024, // Discord's upload cap for ordinary servers
  maxSeconds: 10 * 60,
  minSeconds: 2,
});

export function checkSize(bytes: Uint8Array, limits: AudioLimits): void {
  if (bytes.length === 0)
    throw new AudioError("empty", "That file is empty, so there's nothing for me to listen to.");
  if (bytes.length > limits.maxBytes) {
    throw new AudioError(
      "too-large",
      `That file is ${formatMegabytes(bytes.length)}; I can take files up to ${formatMegabytes(limits.maxBytes)}.`,
    );
  }
}

export function tooLong(seconds: number | undefined, limits: AudioLimits): AudioError {
  const limit = formatDuration(limits.maxSeconds);
  const message =
    seconds === undefined
      ? `That recording is longer than ${limit}; I can listen to at most ${limit}.`
      : `That recording is ${formatDuration(seconds)} long; I can listen to at most ${limit}.`;
  return new AudioError("too-long", message);
}

export function checkDuration(seconds: number, limits: AudioLimits): void {
  if (seconds > limits.maxSeconds) throw tooLong(seconds, limits);
  if (seconds < limits.minSeconds) {
    throw new AudioError(
      "too-short",
      `That recording is only ${formatDuration(seconds)} long; I need at least ${formatDuration(limits.minSeconds)} to tell what it sounds like.`,
    );
  }
}

/** "62 minutes", "2 minutes", "45 seconds", "0.2 seconds". */
export function formatDuration(seconds: number): string {
  if (seconds >= 120) return `${Math.round(seconds / 60)} minutes`;
  if (seconds >= 10) return `${Math.round(seconds)} seconds`;
  const rounded = Math.round(seconds * 10) / 10;
  return `${rounded} second${rounded === 1 ? "" : "s"}`;
}

function formatMegabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? Math.round(mb) : Math.round(mb * 10) / 10} MB`;
}

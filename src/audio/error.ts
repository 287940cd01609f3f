import { UserFacingError } from "../errors.js";

/**
 * Anything wrong with an audio file a person gave us. Codes: "empty", "too-large", "too-long",
 * "too-short", "too-many-channels", "sample-rate", "too-much-audio" (the limits of limits.ts),
 * "not-audio", "unsupported-format", "corrupt", and "no-music" (NotMusicError: the classifier hears
 * no music in it). Messages are shown in Discord as is.
 */
export class AudioError extends UserFacingError {}

import { UserFacingError } from "../errors.js";

/**
 * Anything wrong with an audio file a person gave us. Codes: "empty", "too-large", "too-long",
 * "too-short", "not-audio", "unsupported-format", "corrupt". Messages are shown in Discord as is.
 */
export class AudioError extends UserFacingError {}

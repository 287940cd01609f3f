import { createReadStream } from "node:fs";
import { UserFacingError } from "../errors.js";
import { OverCapError, readCapped } from "../lib/read-capped.js";
import { DEFAULT_AUDIO_LIMITS, tooLarge } from "./limits.js";

/** A file named on the command line that can't be read; `reason` says why without naming it. */
export class UnreadableFileError extends UserFacingError {
  constructor(
    readonly file: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super("unreadable-file", `Cannot open ${file}: ${reason}.`, options);
  }

  /** There is no such file (as opposed to one that exists but can't be read). */
  get missing(): boolean {
    return (this.cause as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
  }
}

/**
 * Reads an audio file named on the command line or found in a folder, turning the usual mistakes
 * into a friendly error. Reads at most the size cap plus one byte (a 3 GB file is refused after
 * 25 MB, as an upload would be), through the same capped reader as downloads.
 */
export async function readInputFile(
  file: string,
  maxBytes: number = DEFAULT_AUDIO_LIMITS.maxBytes,
): Promise<Uint8Array> {
  try {
    return await readCapped(createReadStream(file, { start: 0, end: maxBytes }), maxBytes);
  } catch (error) {
    if (error instanceof OverCapError) throw tooLarge({ ...DEFAULT_AUDIO_LIMITS, maxBytes });
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "there is no such file"
        : code === "EISDIR"
          ? "that is a folder, not a file"
          : code === "EACCES" || code === "EPERM"
            ? "I am not allowed to read it"
            : "it could not be read";
    throw new UnreadableFileError(file, reason, { cause: error });
  }
}

import { readFile } from "node:fs/promises";
import { UserFacingError } from "../errors.js";

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

/** Reads a file named on the command line, turning the usual mistakes into a friendly error. */
export async function readInputFile(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
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

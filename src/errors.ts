/**
 * An error whose message is safe and useful to show to a person: a server member in Discord or a
 * user at the CLI. Everything else is a bug, logged in full but shown only as a generic apology.
 */
export class UserFacingError extends Error {
  /** A short, stable machine-readable reason, e.g. "no-preview" or "file-too-large". */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The message to show a person for any thrown value, never a stack trace. */
export function userMessage(error: unknown): string {
  if (error instanceof UserFacingError) return error.message;
  return "Something went wrong on our side. Please try again in a moment.";
}

/** Thrown by a CLI subcommand for malformed arguments: the CLI prints usage and exits 2. */
export class UsageError extends UserFacingError {
  constructor(message: string) {
    super("usage", message);
  }
}

import { UserFacingError } from "../errors.js";

/**
 * The catalog store (SQLite file or Redis) could not take or return a record in time. Analyses still
 * reach the member; they are just not remembered. Thrown quickly: a dead Redis must not hang a reply.
 */
export class StoreUnavailableError extends UserFacingError {
  constructor(options?: { cause?: unknown }) {
    super(
      "store-down",
      "I couldn't save this to the catalog right now; the result is shown but not remembered.",
      options,
    );
  }
}

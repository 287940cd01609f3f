import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "../errors.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node:util parseArgs for the classify/train/evaluate commands, with its errors as UsageError (exit 2). */
export function parseCliArgs<T extends Options>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(
      error instanceof Error ? (error.message.split("\n")[0] ?? "Bad arguments.") : "Bad arguments.",
    );
  }
}

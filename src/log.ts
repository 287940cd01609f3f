import pino from "pino";

/**
 * Paths pino masks wherever they appear, so a config object, an HTTP error carrying request
 * options, or a Discord client dump never prints a credential.
 */
export const REDACTED_PATHS = [
  "token",
  "*.token",
  "*.*.token",
  "clientSecret",
  "*.clientSecret",
  "*.*.clientSecret",
  "authorization",
  "*.authorization",
  "*.headers.authorization",
  "*.*.headers.authorization",
  "access_token",
  "*.access_token",
];

/**
 * Logs go to stderr by default: stdout belongs to the CLI's output (`classify --json` must be
 * parseable as is). Synchronous, like pino's own default, so lines written just before an exit
 * are not lost.
 */
export function createLogger(
  level = process.env.LOG_LEVEL ?? "info",
  destination: pino.DestinationStream = pino.destination({ dest: 2, sync: true }),
) {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, destination);
}

/** The process-wide logger; level from LOG_LEVEL. Modules take a child of it, named after themselves. */
export const log = createLogger();
export type Logger = pino.Logger;

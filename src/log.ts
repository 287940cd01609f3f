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
 * Secrets that travel inside URLs and messages, where no path can reach them: an interaction token
 * in a webhook or callback URL (valid 15 minutes: anyone holding it can post as the bot in that
 * channel), a password in a redis:// URL, a bearer or bot token quoted in an error. Applied to
 * every finished log line, so an error's url, message and stack are all covered.
 */
const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  [/(\/webhooks\/\d+\/)[^/?\s"\\]+/g, "$1[redacted]"],
  [/(\/interactions\/\d+\/)[^/?\s"\\]+/g, "$1[redacted]"],
  [/(\b(?:rediss?|https?):\/\/)[^@/\s"\\]*@/g, "$1[redacted]@"],
  [/(\b(?:Bot|Bearer) )[A-Za-z0-9._~+/=-]{16,}/g, "$1[redacted]"],
];

/** The line with every secret pattern above masked. */
export function redactSecrets(line: string): string {
  return SECRET_PATTERNS.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), line);
}

/**
 * Logs go to stderr by default: stdout belongs to the CLI's output (`classify --json` must be
 * parseable as is). Synchronous, like pino's own default, so lines written just before an exit
 * are not lost.
 */
export function createLogger(
  level = process.env.LOG_LEVEL ?? "info",
  destination: pino.DestinationStream = pino.destination({ dest: 2, sync: true }),
) {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      hooks: { streamWrite: redactSecrets },
    },
    destination,
  );
}

/** The process-wide logger; level from LOG_LEVEL. Modules take a child of it, named after themselves. */
export const log = createLogger();
export type Logger = pino.Logger;

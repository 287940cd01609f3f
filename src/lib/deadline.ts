import { setTimeout as sleep } from "node:timers/promises";

/**
 * Settles like `work`, or rejects once `ms` have passed: with `timedOut()`, or given a description,
 * with "<what> timed out after <ms> ms". For work that takes no AbortSignal (Keyv stores,
 * spotify-web-api-node, discord.js login): the work itself carries on, only the caller stops
 * waiting. The timer is cancelled as soon as the race is decided.
 */
export async function withDeadline<T>(
  work: Promise<T>,
  ms: number,
  timedOut: string | (() => Error),
): Promise<T> {
  const cancel = new AbortController();
  const error =
    typeof timedOut === "string" ? () => new Error(`${timedOut} timed out after ${ms} ms`) : timedOut;
  const deadline = sleep(ms, undefined, { signal: cancel.signal }).then(
    () => Promise.reject(error()),
    () => new Promise<never>(() => {}),
  );
  try {
    return await Promise.race([work, deadline]);
  } finally {
    cancel.abort();
  }
}

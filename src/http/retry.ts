import { setTimeout as sleep } from "node:timers/promises";
import { UserFacingError } from "../errors.js";

/** How a failed attempt should be handled: give up, or try again (after `afterMs` if the server said so). */
export type RetryDecision = { retry: false } | { retry: true; afterMs?: number };

export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  /** First backoff delay; doubles each attempt, with full jitter. */
  baseDelayMs: number;
  /** A server asking us to wait longer than this gets a friendly "try again in N s" instead. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 2, baseDelayMs: 250, maxRetryAfterMs: 10_000 };

export class RateLimitedError extends UserFacingError {
  readonly retryAfterSeconds: number;
  constructor(providerName: string, retryAfterMs: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super(
      "rate-limited",
      `${providerName} is getting too many requests from us right now — try again in ${seconds} s.`,
    );
    this.retryAfterSeconds = seconds;
  }
}

/** `Retry-After` as milliseconds: either delta-seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Runs `attempt`, retrying while `decide` says so: exponential backoff with full jitter, or the
 * server's Retry-After when it gave one. A Retry-After beyond the policy's bound is not waited out:
 * it becomes a RateLimitedError telling the user when to try again.
 * Hand-written rather than undici's RetryAgent: spotify-web-api-node sends through its own HTTP
 * client, out of RetryAgent's reach, and one policy has to serve Spotify and the downloads alike.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  decide: (error: unknown) => RetryDecision,
  policy: RetryPolicy,
  providerName: string,
): Promise<T> {
  for (let attemptNumber = 0; ; attemptNumber++) {
    try {
      return await attempt();
    } catch (error) {
      const decision = decide(error);
      if (!decision.retry) throw error;
      if (decision.afterMs !== undefined && decision.afterMs > policy.maxRetryAfterMs) {
        throw new RateLimitedError(providerName, decision.afterMs);
      }
      if (attemptNumber >= policy.retries) {
        if (decision.afterMs !== undefined) throw new RateLimitedError(providerName, decision.afterMs);
        throw error;
      }
      const backoff = Math.random() * policy.baseDelayMs * 2 ** attemptNumber;
      await sleep(decision.afterMs ?? backoff);
    }
  }
}

import pLimit from "p-limit";
import { type Dispatcher, getGlobalDispatcher, request } from "undici";
import { UserFacingError } from "../errors.js";
import { OverCapError, readCapped } from "../lib/read-capped.js";
import { type HostKind, isAllowedHost, PROVIDER_NAMES, type Provider } from "./hosts.js";
import { NotPublicAddressError } from "./public-only.js";
import {
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  type RetryDecision,
  type RetryPolicy,
  withRetries,
} from "./retry.js";

/**
 * The one way genrebot fetches anything from the internet itself: HTTPS to allow-listed hosts
 * only, redirects re-checked hop by hop, a size cap enforced while streaming, bounded time,
 * retries for transient failures, and a per-provider concurrency limit.
 */

export const MAX_PREVIEW_BYTES = 5 * 1024 * 1024;
const MAX_JSON_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 3;
const DEFAULT_TIMEOUT_MS = 10_000;
/** Small per provider so a burst of commands stays under Deezer's 50 requests / 5 s and the like. */
const CONCURRENCY_PER_PROVIDER = 4;

export interface HttpOptions {
  /** Routes the requests (default: undici's global, so a configured proxy applies); tests pass one that reaches fake servers. */
  dispatcher?: Dispatcher;
  /** Bound on one attempt, from connecting (undici also gives up connecting after 10 s) to the last body byte. */
  timeoutMs?: number;
  /** Size cap for this call; default MAX_PREVIEW_BYTES (a 30 s preview). Members' uploads pass the bot's own limit. */
  maxBytes?: number;
  retry?: Partial<RetryPolicy>;
}

export interface Downloaded {
  bytes: Uint8Array;
  /** The URL the bytes finally came from, after redirects. */
  url: string;
}

// Process-wide on purpose: rate limits are per IP, not per resolver instance.
const limits = {
  spotify: pLimit(CONCURRENCY_PER_PROVIDER),
  deezer: pLimit(CONCURRENCY_PER_PROVIDER),
  itunes: pLimit(CONCURRENCY_PER_PROVIDER),
  discord: pLimit(CONCURRENCY_PER_PROVIDER),
} satisfies Record<Provider, unknown>;

/** Runs a request to `provider` within its concurrency limit (also used for Spotify's own client). */
export function withProviderLimit<T>(provider: Provider, task: () => Promise<T>): Promise<T> {
  return limits[provider](task);
}

/** Something went wrong that another attempt may fix (5xx, 429, network, timeout). */
class TransientError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const ACCEPTED_TYPES: Record<HostKind, RegExp> = {
  // video/*: a member's recording may be an MP4/WebM whose soundtrack the decoder reads (it
  // sniffs the bytes, so the label only has to rule out pages and images).
  audio: /^((audio|video)\/[\w.+-]+|application\/octet-stream)\s*(;|$)/i,
  // iTunes serves its JSON as text/javascript.
  api: /^(application\/([\w.+-]+\+)?json|text\/javascript)\s*(;|$)/i,
};

export function fetchAudio(url: string, provider: Provider, options: HttpOptions = {}): Promise<Downloaded> {
  return fetchChecked(url, provider, "audio", options.maxBytes ?? MAX_PREVIEW_BYTES, options);
}

export async function fetchJson(
  url: string,
  provider: Provider,
  options: HttpOptions = {},
): Promise<unknown> {
  const { bytes } = await fetchChecked(url, provider, "api", MAX_JSON_BYTES, options);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new UserFacingError(
      "bad-response",
      `${PROVIDER_NAMES[provider]} sent a reply genrebot couldn't read.`,
      {
        cause: error,
      },
    );
  }
}

function fetchChecked(
  url: string,
  provider: Provider,
  kind: HostKind,
  maxBytes: number,
  options: HttpOptions,
): Promise<Downloaded> {
  const name = PROVIDER_NAMES[provider];
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const attempt = () =>
    withProviderLimit(provider, () => followRedirects(url, provider, kind, maxBytes, options));
  return withRetries(attempt, decide, policy, name).catch((error: unknown) => {
    if (error instanceof TransientError) {
      throw new UserFacingError(
        "provider-unavailable",
        `${name} isn't answering properly right now — please try again in a minute.`,
        { cause: error },
      );
    }
    throw error;
  });
}

function decide(error: unknown): RetryDecision {
  if (!(error instanceof TransientError)) return { retry: false };
  return error.retryAfterMs === undefined ? { retry: true } : { retry: true, afterMs: error.retryAfterMs };
}

function checkedUrl(text: string, base: string | undefined, provider: Provider, kind: HostKind): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch (error) {
    throw new UserFacingError("bad-response", `${PROVIDER_NAMES[provider]} gave genrebot a broken link.`, {
      cause: error,
    });
  }
  if (url.protocol !== "https:" || !isAllowedHost(provider, kind, url.hostname)) {
    throw new UserFacingError(
      "host-not-allowed",
      `${PROVIDER_NAMES[provider]} pointed genrebot at ${url.hostname || "an unknown address"}, which it doesn't download from.`,
    );
  }
  return url;
}

async function followRedirects(
  start: string,
  provider: Provider,
  kind: HostKind,
  maxBytes: number,
  options: HttpOptions,
): Promise<Downloaded> {
  let url = checkedUrl(start, undefined, provider, kind);
  for (let hop = 0; ; hop++) {
    const response = await requestOnce(url, provider, kind, maxBytes, options);
    if (!("location" in response)) return { bytes: response.bytes, url: url.toString() };
    if (hop >= MAX_REDIRECTS) {
      throw new UserFacingError(
        "too-many-redirects",
        `${PROVIDER_NAMES[provider]} redirected genrebot too many times.`,
      );
    }
    url = checkedUrl(response.location, url.toString(), provider, kind);
  }
}

async function requestOnce(
  url: URL,
  provider: Provider,
  kind: HostKind,
  maxBytes: number,
  options: HttpOptions,
): Promise<{ bytes: Uint8Array } | { location: string }> {
  const name = PROVIDER_NAMES[provider];
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // A timer we clear, not AbortSignal.timeout: an abort firing after the response completed would
  // surface as an unhandled error on the already-consumed body.
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new Error(`no complete answer within ${timeoutMs} ms`)),
    timeoutMs,
  );
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, {
      dispatcher: options.dispatcher ?? getGlobalDispatcher(),
      method: "GET",
      headers: { accept: kind === "audio" ? "audio/*" : "application/json", "user-agent": "genrebot" },
      signal: controller.signal,
    });
  } catch (error) {
    clearTimeout(timer);
    const notPublic = [error, (error as Error).cause].find((e) => e instanceof NotPublicAddressError);
    if (notPublic) {
      throw new UserFacingError(
        "address-not-public",
        `${name}'s file is on a private network address, so genrebot did not download it.`,
        { cause: notPublic },
      );
    }
    throw new TransientError(`${name}: ${describe(error)}`, undefined, { cause: error });
  }
  const { statusCode, headers, body } = response;
  try {
    if (statusCode >= 300 && statusCode < 400 && typeof headers.location === "string") {
      return { location: headers.location };
    }
    if (statusCode === 429) {
      throw new TransientError(`${name}: HTTP 429`, parseRetryAfter(headers["retry-after"]) ?? 1000);
    }
    if (statusCode >= 500) throw new TransientError(`${name}: HTTP ${statusCode}`);
    if (statusCode !== 200) {
      throw new UserFacingError(
        "download-failed",
        `${name} refused genrebot's request (HTTP ${statusCode}).`,
      );
    }
    const contentType = String(headers["content-type"] ?? "");
    if (!ACCEPTED_TYPES[kind].test(contentType)) {
      throw new UserFacingError(
        "bad-response",
        `${name} sent ${contentType || "something unlabelled"} where genrebot expected ${kind === "audio" ? "audio" : "data"}.`,
      );
    }
    const declared = Number(headers["content-length"]);
    if (declared > maxBytes) throw tooLarge(name, maxBytes);
    return { bytes: await readBody(body, maxBytes, name) };
  } finally {
    clearTimeout(timer);
    // An unread or partly read body holds the connection; destroying it aborts the transfer, and
    // the abort error it then emits concerns nobody.
    if (!body.readableEnded) body.on("error", () => undefined).destroy();
  }
}

async function readBody(
  body: Dispatcher.ResponseData["body"],
  maxBytes: number,
  name: string,
): Promise<Uint8Array> {
  try {
    return await readCapped(body, maxBytes);
  } catch (error) {
    if (error instanceof OverCapError) throw tooLarge(name, maxBytes);
    throw new TransientError(`${name}: ${describe(error)}`, undefined, { cause: error });
  }
}

function tooLarge(name: string, maxBytes: number): UserFacingError {
  const megabytes = Math.round(maxBytes / (1024 * 1024));
  return new UserFacingError(
    "too-large",
    `The file from ${name} is bigger than ${megabytes} MB, so genrebot skipped it.`,
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

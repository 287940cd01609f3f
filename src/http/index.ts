/** Safe HTTP for every provider: allow-listed hosts, size and time caps, retries, per-provider limits. */
export { fetchAudio, fetchJson, type HttpOptions, MAX_PREVIEW_BYTES, withProviderLimit } from "./download.js";
export { ALLOWED_HOSTS, isAllowedHost, type Provider } from "./hosts.js";
export {
  installPublicOnlyDispatcher,
  isPublicAddress,
  NotPublicAddressError,
  publicOnlyAgent,
  type Resolve,
} from "./public-only.js";
export {
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  RateLimitedError,
  type RetryDecision,
  type RetryPolicy,
  withRetries,
} from "./retry.js";

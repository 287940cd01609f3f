import type { BotLimits } from "./command.js";

/**
 * Defaults sized for one small VPS: 4 analyses at once keeps two cores busy without starving
 * the gateway heartbeat, 20 waiting is about a minute of backlog, and 25 MB is Discord's own
 * upload limit for most servers.
 */
export const DEFAULT_LIMITS: BotLimits = {
  cooldownSeconds: 10,
  maxRunning: 4,
  maxWaiting: 20,
  maxUploadBytes: 25 * 1024 * 1024,
  downloadTimeoutMs: 20_000,
  progressIntervalMs: 2_000,
  similarCount: 10,
};

import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../log.js";
import type { IndexProgress, TrackService } from "../service/index.js";

export interface ReindexPassOptions {
  /** Pause before each track, so re-analysis never competes with members for long (default 2 s). */
  pauseMs?: number;
  /** Log where the pass stands every this many tracks (default 50), and at the end. */
  logEvery?: number;
}

/** How often a pass waiting for members' requests looks again. */
const BUSY_RECHECK_MS = 250;

/**
 * The bot's polite background `genrebot reindex`: records an older model made are re-analysed one
 * at a time, with a pause before each, and never while members' requests are running or queued
 * (`busy`). It stops (after the track in flight) when `signal` aborts. Resolves when done; never rejects.
 */
export async function runReindexPass(
  service: TrackService,
  busy: () => boolean,
  signal: AbortSignal,
  logger: Logger,
  options: ReindexPassOptions = {},
): Promise<void> {
  const stale = service.catalog.staleCount();
  if (stale === 0) return;
  const pauseMs = options.pauseMs ?? 2000;
  const logEvery = options.logEvery ?? 50;
  logger.info(
    { stale, model: service.modelVersion },
    "re-analysing tracks an older model indexed, in the background",
  );
  const wait = async (ms: number) => sleep(ms, undefined, { signal }).catch(() => {});
  const beforeEach = async () => {
    await wait(pauseMs);
    while (busy() && !signal.aborted) await wait(BUSY_RECHECK_MS);
  };
  const onProgress = (p: IndexProgress) => {
    if (p.failure)
      logger.warn({ id: p.failure.item, reason: p.failure.reason }, "background re-analysis failed");
    if (p.done % logEvery === 0 && p.done < p.total) logger.info(counts(p), "background re-analysis");
  };
  try {
    const progress = await service.reindex(onProgress, signal, { concurrency: 1, beforeEach });
    logger.info(
      { ...counts(progress), stopped: signal.aborted },
      signal.aborted
        ? "background re-analysis stopped (it resumes at the next start)"
        : "background re-analysis done",
    );
  } catch (error) {
    logger.error({ err: error }, "background re-analysis stopped by an error (it resumes at the next start)");
  }
}

function counts(p: IndexProgress) {
  return {
    done: p.done,
    total: p.total,
    reanalysed: p.indexed,
    alreadyCurrent: p.skipped,
    keptWithoutPreview: p.withoutPreview,
    failed: p.failed,
    notSaved: p.notSaved,
  };
}

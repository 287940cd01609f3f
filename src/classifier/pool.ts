import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { AudioError } from "../audio/index.js";
import { DEFAULT_MODEL_DIR } from "../config.js";
import { UserFacingError } from "../errors.js";
import { startTsWorker } from "../lib/ts-worker.js";
import { log } from "../log.js";
import type { JobRequest, SerialisedError, WorkerJob, WorkerMessage, WorkerReply } from "./pool-protocol.js";
import type { Analysis, AnalyzerPool } from "./types.js";
import { analysisVersion } from "./version.js";

export interface AnalyzerPoolOptions {
  /** Worker threads; default one per core. */
  size?: number;
  modelDir?: string;
  /** Jobs allowed to wait for a free worker before new ones are refused; default 8 per worker. */
  maxQueue?: number;
  /**
   * Longest one job may run in a worker (default 60 s; a 30 s clip takes about a second). The wasm
   * decoders run synchronously, so a pathological file could otherwise wedge a worker for good:
   * past this the worker is terminated and replaced, and the job fails with AnalysisTimeoutError.
   */
  jobTimeoutMs?: number;
  /**
   * Ceiling on each worker's JavaScript heap (V8 old generation), default 256 MB: a 10-minute file,
   * the longest accepted, analyses within a 48 MB heap (measured). A job past it fails alone with
   * AnalysisMemoryError and its worker is replaced.
   */
  maxHeapMb?: number;
  /**
   * Ceiling on the whole process's resident memory while jobs run, default 512 MB + 1 GB per
   * worker (a 10-minute file peaks near 0.8 GB). Decoded audio lives in ArrayBuffers outside the
   * V8 heap, which `resourceLimits` does not count (measured: a worker limited to a 256 MB heap
   * allocated 4 GB of Float32Arrays); the per-job sample budget (AudioLimits.sampleBudget) bounds
   * them for every file we can foresee, and this watchdog for the rest: past the ceiling, the busy
   * workers are terminated and their jobs fail with AnalysisMemoryError. (Which worker grew cannot
   * be told from one process's RSS, so every job in flight is refused: still never the process.)
   */
  maxRssMb?: number;
}

const DEFAULT_JOB_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_HEAP_MB = 256;
/** How often the memory watchdog samples RSS while a job runs. */
const WATCH_EVERY_MS = 50;

/** The pool also extracts bare features, which training uses to read audio on every core. */
export interface FeaturePool extends AnalyzerPool {
  features(bytes: Uint8Array): Promise<Record<string, number>>;
}

interface Pending {
  job: WorkerJob;
  resolve(reply: WorkerReply & { ok: true }): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  /** Set once the worker has loaded its modules; jobs go only to ready workers. */
  ready: boolean;
  busy?: Pending;
  deadline?: NodeJS.Timeout;
}

export class PoolBusyError extends UserFacingError {
  constructor() {
    super("busy", "I'm analysing a lot of songs right now. Please try again in a minute.");
  }
}

export class AnalysisTimeoutError extends UserFacingError {
  constructor(seconds: number) {
    super(
      "analysis-timeout",
      `That file took longer than ${seconds} s to analyse, so I gave up on it. Try a shorter clip or another format (MP3, WAV, OGG, FLAC).`,
    );
  }
}

export class AnalysisMemoryError extends UserFacingError {
  constructor() {
    super(
      "analysis-memory",
      "That file needed more memory than I allow for one song, so I stopped listening to it. Try a shorter clip or another format (MP3, WAV, OGG, FLAC).",
    );
  }
}

/** Rebuilds a worker's error on this side so callers can still tell AudioError from a bug. */
function revive(error: SerialisedError): Error {
  let revived: Error;
  // NotMusicError is an AudioError too: callers tell bad input from a bug by that class.
  const audio = error.name === "AudioError" || error.name === "NotMusicError";
  if (audio && error.code) revived = new AudioError(error.code, error.message);
  else if (error.code) revived = new UserFacingError(error.code, error.message);
  else revived = new Error(error.message);
  if (error.stack) revived.stack = error.stack;
  return revived;
}

/**
 * A pool of worker threads running `analyzeAudio`, so the caller's event loop never blocks on
 * decoding or inference. Bytes are transferred (not copied) to the worker; the queue is bounded;
 * a worker that dies, or overruns its job's time limit, is replaced and only its own job fails.
 */
export function createAnalyzerPool(options: AnalyzerPoolOptions = {}): FeaturePool {
  const size = Math.max(1, options.size ?? availableParallelism());
  const maxQueue = options.maxQueue ?? size * 8;
  const modelDir = options.modelDir ?? DEFAULT_MODEL_DIR;
  const jobTimeoutMs = options.jobTimeoutMs ?? DEFAULT_JOB_TIMEOUT_MS;
  const resourceLimits = { maxOldGenerationSizeMb: options.maxHeapMb ?? DEFAULT_MAX_HEAP_MB };
  const maxRssBytes = (options.maxRssMb ?? 512 + 1024 * size) * 1024 * 1024;
  let watchdog: NodeJS.Timeout | undefined;
  const queue: Pending[] = [];
  const slots: Slot[] = [];
  let nextId = 1;
  let closed = false;
  let crashesInARow = 0;

  const dispatch = (): void => {
    watch();
    for (const slot of slots) {
      if (slot.busy || !slot.ready) continue;
      const pending = queue.shift();
      if (!pending) return;
      slot.busy = pending;
      slot.deadline = setTimeout(() => timedOut(slot), jobTimeoutMs);
      slot.worker.postMessage(pending.job, [pending.job.bytes.buffer as ArrayBuffer]);
    }
    watch();
  };

  /** Samples RSS only while some job runs; past the ceiling, the jobs in flight are stopped. */
  const watch = (): void => {
    const busy = slots.some((slot) => slot.busy);
    if (!busy || closed) {
      clearInterval(watchdog);
      watchdog = undefined;
      return;
    }
    watchdog ??= setInterval(() => {
      if (process.memoryUsage.rss() <= maxRssBytes) return;
      log.warn(
        { maxRssMb: maxRssBytes / 1024 / 1024 },
        "analysis over the memory ceiling; stopping its jobs",
      );
      for (const slot of slots.filter((s) => s.busy)) {
        if (!retire(slot, new AnalysisMemoryError())) continue;
        void slot.worker.terminate();
        slots.push(spawn());
      }
      watch();
    }, WATCH_EVERY_MS).unref();
  };

  /** Takes a slot out of service and hands its job, if any, back to the caller as `error`. */
  const retire = (slot: Slot, error: Error): boolean => {
    const index = slots.indexOf(slot);
    if (index < 0) return false;
    slots.splice(index, 1);
    clearTimeout(slot.deadline);
    slot.busy?.reject(error);
    slot.busy = undefined;
    return true;
  };

  // The worker is stuck inside synchronous code, so only terminating it gets the thread back. Not
  // a crash: the replacement starts at once, without the crash back-off.
  const timedOut = (slot: Slot): void => {
    const seconds = Math.round(jobTimeoutMs / 100) / 10;
    if (!retire(slot, new AnalysisTimeoutError(seconds))) return;
    log.warn({ jobTimeoutMs }, "analysis job overran its time limit; replacing its worker");
    void slot.worker.terminate();
    if (closed) return;
    slots.push(spawn());
  };

  const spawn = (): Slot => {
    const worker = startTsWorker(new URL("./pool-worker.ts", import.meta.url), resourceLimits);
    const slot: Slot = { worker, ready: false };
    worker.on("message", (message: WorkerMessage) => {
      if ("ready" in message) {
        slot.ready = true;
        dispatch();
        return;
      }
      const reply = message;
      const pending = slot.busy;
      slot.busy = undefined;
      clearTimeout(slot.deadline);
      crashesInARow = 0;
      watch();
      if (pending && pending.job.id === reply.id) {
        if (reply.ok) pending.resolve(reply);
        else pending.reject(revive(reply.error));
      }
      dispatch();
    });
    const replace = (reason: Error): void => {
      // Out of memory is the job's fault, not the install's: refuse that file, plainly, and move on.
      const outOfMemory = (reason as NodeJS.ErrnoException).code === "ERR_WORKER_OUT_OF_MEMORY";
      const crashed = outOfMemory
        ? new AnalysisMemoryError()
        : new Error(`the analysis worker crashed: ${reason.message}`, { cause: reason });
      if (!retire(slot, crashed)) return;
      // A worker that dies before it is ready (broken install, bad model) fails the job it would
      // have taken, so callers hear about it instead of waiting for workers that never come up.
      if (!slot.ready) queue.shift()?.reject(crashed);
      if (closed) return;
      if (outOfMemory) {
        log.warn({ maxHeapMb: resourceLimits.maxOldGenerationSizeMb }, "analysis job ran out of memory");
        slots.push(spawn());
        return;
      }
      crashesInARow++;
      // A worker that dies at start-up (broken install, bad model) would otherwise be respawned
      // in a hot loop; back off exponentially after the first crash.
      const delayMs = crashesInARow > 1 ? Math.min(250 * 2 ** crashesInARow, 30_000) : 0;
      log.warn({ err: reason, delayMs }, "analysis worker died; starting a replacement");
      setTimeout(() => {
        if (closed) return;
        slots.push(spawn());
        dispatch();
      }, delayMs).unref();
    };
    worker.on("error", replace);
    worker.on("exit", (code) => replace(new Error(`worker exited with code ${code}`)));
    return slot;
  };

  for (let i = 0; i < size; i++) slots.push(spawn());

  const submit = (job: JobRequest): Promise<WorkerReply & { ok: true }> => {
    if (closed) return Promise.reject(new Error("the analyzer pool is closed"));
    if (queue.length >= maxQueue) return Promise.reject(new PoolBusyError());
    return new Promise((resolve, reject) => {
      queue.push({ job: { ...job, id: nextId++ }, resolve, reject });
      dispatch();
    });
  };

  // The caller keeps its bytes: transfer a private copy so the worker owns it outright.
  const own = (bytes: Uint8Array): Uint8Array => new Uint8Array(bytes);

  return {
    async analyze(bytes: Uint8Array): Promise<Analysis> {
      const reply = await submit({ kind: "analyze", bytes: own(bytes), modelDir });
      if (!("analysis" in reply)) throw new Error("worker answered an analysis with something else");
      return reply.analysis;
    },
    async features(bytes: Uint8Array): Promise<Record<string, number>> {
      const reply = await submit({ kind: "features", bytes: own(bytes) });
      if (!("features" in reply)) throw new Error("worker answered a feature job with something else");
      return reply.features;
    },
    modelVersion: () => analysisVersion(modelDir),
    async close(): Promise<void> {
      closed = true;
      clearInterval(watchdog);
      const closedError = new Error("the analyzer pool was closed");
      for (const pending of queue.splice(0)) pending.reject(closedError);
      for (const slot of slots) {
        clearTimeout(slot.deadline);
        slot.busy?.reject(closedError);
      }
      await Promise.all(slots.splice(0).map((slot) => slot.worker.terminate()));
    },
  };
}

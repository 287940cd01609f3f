import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { AudioError } from "../audio/index.js";
import { DEFAULT_MODEL_DIR } from "../config.js";
import { UserFacingError } from "../errors.js";
import { log } from "../log.js";
import { readModelVersion } from "./model/store.js";
import type { JobRequest, SerialisedError, WorkerJob, WorkerReply } from "./pool-protocol.js";
import { startTsWorker } from "./ts-worker.js";
import type { Analysis, AnalyzerPool } from "./types.js";

export interface AnalyzerPoolOptions {
  /** Worker threads; default one per core. */
  size?: number;
  modelDir?: string;
  /** Jobs allowed to wait for a free worker before new ones are refused; default 8 per worker. */
  maxQueue?: number;
}

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
  busy?: Pending;
}

export class PoolBusyError extends UserFacingError {
  constructor() {
    super("busy", "I'm analysing a lot of songs right now. Please try again in a minute.");
  }
}

/** Rebuilds a worker's error on this side so callers can still tell AudioError from a bug. */
function revive(error: SerialisedError): Error {
  let revived: Error;
  if (error.name === "AudioError" && error.code) revived = new AudioError(error.code, error.message);
  else if (error.code) revived = new UserFacingError(error.code, error.message);
  else revived = new Error(error.message);
  if (error.stack) revived.stack = error.stack;
  return revived;
}

/**
 * A pool of worker threads running `analyzeAudio`, so the caller's event loop never blocks on
 * decoding or inference. Bytes are transferred (not copied) to the worker; the queue is bounded;
 * a worker that dies is replaced and only its own job fails.
 */
export function createAnalyzerPool(options: AnalyzerPoolOptions = {}): FeaturePool {
  const size = Math.max(1, options.size ?? availableParallelism());
  const maxQueue = options.maxQueue ?? size * 8;
  const modelDir = options.modelDir ?? DEFAULT_MODEL_DIR;
  const queue: Pending[] = [];
  const slots: Slot[] = [];
  let nextId = 1;
  let closed = false;
  let crashesInARow = 0;

  const dispatch = (): void => {
    for (const slot of slots) {
      if (slot.busy) continue;
      const pending = queue.shift();
      if (!pending) return;
      slot.busy = pending;
      slot.worker.postMessage(pending.job, [pending.job.bytes.buffer as ArrayBuffer]);
    }
  };

  const spawn = (): Slot => {
    const worker = startTsWorker(new URL("./pool-worker.ts", import.meta.url));
    const slot: Slot = { worker };
    worker.on("message", (reply: WorkerReply) => {
      const pending = slot.busy;
      slot.busy = undefined;
      crashesInARow = 0;
      if (pending && pending.job.id === reply.id) {
        if (reply.ok) pending.resolve(reply);
        else pending.reject(revive(reply.error));
      }
      dispatch();
    });
    const replace = (reason: Error): void => {
      const index = slots.indexOf(slot);
      if (index < 0) return;
      slots.splice(index, 1);
      slot.busy?.reject(new Error(`the analysis worker crashed: ${reason.message}`, { cause: reason }));
      slot.busy = undefined;
      if (closed) return;
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
    modelVersion: () => readModelVersion(modelDir),
    async close(): Promise<void> {
      closed = true;
      const closedError = new Error("the analyzer pool was closed");
      for (const pending of queue.splice(0)) pending.reject(closedError);
      for (const slot of slots) slot.busy?.reject(closedError);
      await Promise.all(slots.splice(0).map((slot) => slot.worker.terminate()));
    },
  };
}

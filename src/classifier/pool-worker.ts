import { parentPort } from "node:worker_threads";
import { decodeAudio } from "../audio/index.js";
import { UserFacingError } from "../errors.js";
import { extractFeatures } from "./features/index.js";
import type { WorkerJob, WorkerReady, WorkerReply } from "./pool-protocol.js";

/** One analysis worker: decodes and classifies clips sent by the pool, one at a time. */
const port = parentPort;
if (!port) throw new Error("pool-worker.ts must run as a worker thread");

port.on("message", async (job: WorkerJob) => {
  let reply: WorkerReply;
  try {
    if (job.kind === "analyze") {
      // Imported on the first analysis: a pool that only extracts features never loads the model code.
      const { analyzeAudio } = await import("./analyze.js");
      const analysis = await analyzeAudio(job.bytes, job.modelDir ? { modelDir: job.modelDir } : {});
      reply = { id: job.id, ok: true, analysis };
    } else {
      const audio = await decodeAudio(job.bytes);
      reply = { id: job.id, ok: true, features: extractFeatures(audio.samples) };
    }
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    reply = {
      id: job.id,
      ok: false,
      error: {
        name: err.name,
        message: err.message,
        ...(err instanceof UserFacingError ? { code: err.code } : {}),
        ...(err.stack ? { stack: err.stack } : {}),
      },
    };
  }
  const transfer = "analysis" in reply ? [reply.analysis.embedding.buffer as ArrayBuffer] : [];
  port.postMessage(reply, transfer);
});

port.postMessage({ ready: true } satisfies WorkerReady);

import type { Analysis } from "./types.js";

/** Messages between the analyzer pool and its worker threads. */
export type JobRequest =
  | { kind: "analyze"; bytes: Uint8Array; modelDir?: string }
  | { kind: "features"; bytes: Uint8Array };

export type WorkerJob = JobRequest & { id: number };

export interface SerialisedError {
  name: string;
  code?: string;
  message: string;
  stack?: string;
}

export type WorkerReply =
  | { id: number; ok: true; analysis: Analysis }
  | { id: number; ok: true; features: Record<string, number> }
  | { id: number; ok: false; error: SerialisedError };

/** A worker's first message: its modules are loaded and it is listening, so job time starts now. */
export interface WorkerReady {
  ready: true;
}

export type WorkerMessage = WorkerReply | WorkerReady;

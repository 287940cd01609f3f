import type { Worker } from "node:worker_threads";
import { startTsWorker } from "../../lib/ts-worker.js";
import { type ChartInput, genreChartSvg } from "./genre-chart.js";

export interface ChartRenderer {
  /** The /genre chart as PNG bytes, rasterised on a worker thread. */
  render(input: ChartInput): Promise<Uint8Array>;
  close(): Promise<void>;
}

type Reply = { id: number; png: Uint8Array } | { id: number; error: string };

/**
 * One worker thread that turns chart SVGs into PNGs, so a burst of answers doesn't stall the
 * gateway heartbeat and every other interaction for ~50 ms per chart. Started on first use;
 * if it dies, pending renders fail and the next render starts a fresh one.
 */
export function createChartRenderer(): ChartRenderer {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve(png: Uint8Array): void; reject(error: Error): void }>();

  const failAll = (error: Error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  const start = (): Worker => {
    const started = startTsWorker(new URL("./genre-render-worker.ts", import.meta.url));
    started.on("message", (reply: Reply) => {
      const waiter = pending.get(reply.id);
      pending.delete(reply.id);
      if (!waiter) return;
      if ("png" in reply) waiter.resolve(reply.png);
      else waiter.reject(new Error(`chart rendering failed: ${reply.error}`));
    });
    started.on("error", (error) => failAll(error));
    started.on("exit", (code) => {
      if (worker === started) worker = undefined;
      failAll(new Error(`chart worker exited (${code})`));
    });
    // Idle, it shouldn't keep the process alive.
    started.unref();
    return started;
  };

  return {
    render(input) {
      const id = nextId++;
      worker ??= start();
      const target = worker;
      return new Promise<Uint8Array>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        target.postMessage({ id, svg: genreChartSvg(input) });
      });
    },
    async close() {
      const running = worker;
      worker = undefined;
      await running?.terminate();
    },
  };
}

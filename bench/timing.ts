/** The middle value (upper middle for an even count), the figure every benchmark reports first. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export interface RunTimes {
  /** Milliseconds of each run, in order. */
  wall: number[];
  /** CPU milliseconds of this whole process (all threads) during each run. */
  cpu: number[];
}

/**
 * Wall and CPU time of each of `count` runs of synchronous `run`. Kept apart from timeAsyncRuns
 * because awaiting each run would add a microtask hop to sub-millisecond catalog queries.
 */
export function timeRuns(count: number, run: (i: number) => void): RunTimes {
  const times: RunTimes = { wall: [], cpu: [] };
  for (let i = 0; i < count; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    run(i);
    record(times, start, cpuStart);
  }
  return times;
}

/** Wall and CPU time of each of `count` runs of `work`, awaited one after another. */
export async function timeAsyncRuns(count: number, work: () => unknown): Promise<RunTimes> {
  const times: RunTimes = { wall: [], cpu: [] };
  for (let i = 0; i < count; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    await work();
    record(times, start, cpuStart);
  }
  return times;
}

function record(times: RunTimes, start: number, cpuStart: NodeJS.CpuUsage): void {
  times.wall.push(performance.now() - start);
  const used = process.cpuUsage(cpuStart);
  times.cpu.push((used.user + used.system) / 1000);
}

import pLimit, { type LimitFunction } from "p-limit";

/**
 * A global bounded queue for slow work (analyses): at most `running` at once, at most `waiting`
 * queued behind them. A slot is reserved synchronously, before the interaction is deferred, so a
 * member is told "busy" straight away instead of after waiting in vain.
 */
export class WorkQueue {
  private readonly slots: LimitFunction;
  private readonly capacity: number;
  private reserved = 0;

  constructor(running: number, waiting: number) {
    this.slots = pLimit(running);
    this.capacity = running + waiting;
  }

  /** Jobs running, waiting, or reserved but not yet started. */
  get load(): number {
    return this.slots.activeCount + this.slots.pendingCount + this.reserved;
  }

  /** Reserves a place, or returns undefined when the queue is full. Run the ticket exactly once. */
  reserve(): Ticket | undefined {
    if (this.load >= this.capacity) return undefined;
    this.reserved++;
    let used = false;
    return {
      run: <T>(task: () => Promise<T>) => {
        if (used) throw new Error("a work-queue ticket runs once");
        used = true;
        this.reserved--;
        return this.slots(task);
      },
      release: () => {
        if (used) return;
        used = true;
        this.reserved--;
      },
    };
  }
}

export interface Ticket {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Gives the place back without running anything (e.g. the interaction could not be deferred). */
  release(): void;
}

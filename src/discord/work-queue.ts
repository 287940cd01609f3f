/**
 * A global bounded queue for slow work (analyses): at most `running` at once, at most `waiting`
 * queued behind them. A slot is reserved synchronously, before the interaction is deferred, so a
 * member is told "busy" straight away instead of after waiting in vain.
 */
export class WorkQueue {
  private active = 0;
  private readonly queue: Array<() => void> = [];
  private reserved = 0;

  constructor(
    private readonly running: number,
    private readonly waiting: number,
  ) {}

  /** Jobs running, waiting, or reserved but not yet started. */
  get load(): number {
    return this.active + this.queue.length + this.reserved;
  }

  /** Reserves a place, or returns undefined when the queue is full. Run the ticket exactly once. */
  reserve(): Ticket | undefined {
    if (this.load >= this.running + this.waiting) return undefined;
    this.reserved++;
    let used = false;
    return {
      run: <T>(task: () => Promise<T>) => {
        if (used) throw new Error("a work-queue ticket runs once");
        used = true;
        this.reserved--;
        return this.enqueue(task);
      },
      release: () => {
        if (used) return;
        used = true;
        this.reserved--;
      },
    };
  }

  private async enqueue<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.running) {
      await new Promise<void>((resolve) => this.queue.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      // Hand the slot straight to the next job, so `active` never dips and lets a newcomer jump the queue.
      if (next) next();
      else this.active--;
    }
  }
}

export interface Ticket {
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Gives the place back without running anything (e.g. the interaction could not be deferred). */
  release(): void;
}

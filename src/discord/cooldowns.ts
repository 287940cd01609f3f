/**
 * Per-member, per-command cooldowns: one member can't keep the analyzer busy for everyone else.
 * Entries expire lazily, so memory stays bounded by the members active in the last cooldown period.
 */
export class Cooldowns {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly seconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Starts the member's cooldown for `command` and returns undefined, or, while one is running,
   * returns when it ends (ms since the epoch) without changing it.
   */
  claim(userId: string, command: string): number | undefined {
    const key = `${command}:${userId}`;
    const now = this.now();
    const busyUntil = this.until.get(key);
    if (busyUntil !== undefined && busyUntil > now) return busyUntil;
    this.sweep(now);
    this.until.set(key, now + this.seconds * 1000);
    return undefined;
  }

  private sweep(now: number): void {
    for (const [key, until] of this.until) if (until <= now) this.until.delete(key);
  }
}

import { afterEach, describe, expect, it, vi } from "vitest";
import { Cooldowns } from "../src/discord/cooldowns.js";
import { throttled } from "../src/discord/throttle.js";
import { WorkQueue } from "../src/discord/work-queue.js";

/** The bot's fairness limits, driven directly (the e2e tests see them through Discord). */

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("Cooldowns", () => {
  it("lets a member in once per period, per command, and says until when", () => {
    let now = 1_000_000;
    const cooldowns = new Cooldowns(10, () => now);
    expect(cooldowns.claim("ada", "genre")).toBeUndefined();
    expect(cooldowns.claim("ada", "genre")).toBe(1_010_000);
    expect(cooldowns.claim("ada", "similar")).toBeUndefined();
    expect(cooldowns.claim("bob", "genre")).toBeUndefined();
    now += 9_999;
    expect(cooldowns.claim("ada", "genre")).toBe(1_010_000);
    now += 1;
    expect(cooldowns.claim("ada", "genre")).toBeUndefined();
  });
});

describe("WorkQueue", () => {
  it("runs at most `running` jobs, queues `waiting` more in order, and refuses the rest", async () => {
    const queue = new WorkQueue(2, 3);
    const gates = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    const tickets = gates.map(() => queue.reserve());
    expect(tickets.every(Boolean)).toBe(true);
    expect(queue.reserve()).toBeUndefined();
    expect(queue.load).toBe(5);

    const done = tickets.map((ticket, i) =>
      ticket?.run(async () => {
        started.push(i);
        await gates[i]?.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    gates[1]?.resolve();
    await done[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    expect(queue.reserve()).toBeDefined();
    for (const gate of gates) gate.resolve();
    expect(await Promise.all(done)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });

  it("frees a place when a job fails or a ticket is released unused", async () => {
    const queue = new WorkQueue(1, 0);
    const ticket = queue.reserve();
    expect(queue.reserve()).toBeUndefined();
    await expect(ticket?.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    const second = queue.reserve();
    expect(second).toBeDefined();
    second?.release();
    second?.release();
    expect(queue.load).toBe(0);
    expect(() => second?.run(async () => 1)).toThrow(/once/);
  });
});

describe("throttled progress edits", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends at most one update per interval, always the latest, and ends on the final word", async () => {
    vi.useFakeTimers();
    const sent: Array<{ value: string; at: number }> = [];
    const edits = throttled(2_000, async (value: string) => {
      sent.push({ value, at: Date.now() });
    });
    edits.update("reading");
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 1; i <= 50; i++) {
      edits.update(`Indexed ${i}/50`);
      await vi.advanceTimersByTimeAsync(100);
    }
    const finished = edits.finish("Done");
    await vi.runAllTimersAsync();
    await finished;
    edits.update("too late");
    await vi.runAllTimersAsync();

    expect(sent[0]?.value).toBe("reading");
    expect(sent.at(-1)?.value).toBe("Done");
    expect(sent.map((s) => s.value)).not.toContain("too late");
    for (let i = 1; i < sent.length; i++) {
      expect((sent[i]?.at ?? 0) - (sent[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(2_000);
    }
    // 5 s of updates every 100 ms: "reading", two or three progress edits, then "Done".
    expect(sent.length).toBeLessThanOrEqual(2 + Math.ceil(5_000 / 2_000));
    expect(sent.slice(1, -1).every((s) => s.value.startsWith("Indexed"))).toBe(true);
  });
});

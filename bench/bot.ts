import { readFileSync } from "node:fs";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { analyzeAudio } from "../src/classifier/index.js";
import { renderGenreChart } from "../src/discord/charts/genre-chart.js";
import { clipSongs, startBotHarness } from "../test/fakes/discord/harness.js";

/**
 * The bot's own event loop while it is busy: 20 /genre requests at once through the real bot
 * (real discord.js, real TrackService and analyzer pool, fake Discord and Spotify/Deezer on
 * loopback in this same process). CPU work belongs in the pool's worker threads, so the loop
 * should stay responsive (target: p99 delay ≤ 50 ms) and every interaction acknowledged fast.
 */

const CONCURRENT = 20;

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const fmt = (v: number) => v.toFixed(1);
  return `median ${fmt(quantile(sorted, 0.5))} ms · p99 ${fmt(quantile(sorted, 0.99))} ms · max ${fmt(sorted.at(-1) ?? Number.NaN)} ms`;
}

export async function runBotBench(): Promise<void> {
  const songs = clipSongs(CONCURRENT / 4);
  const h = await startBotHarness({
    songs,
    limits: { cooldownSeconds: 0, maxRunning: 4, maxWaiting: CONCURRENT },
  });
  try {
    await h.registerCommands();
    // Warm-up: workers load the model, Spotify issues its token.
    const warm = h.fake.dispatchCommand("genre", { link: `spotify:track:${songs[0]?.spotifyId}` });
    await h.fake.waitForReply(warm);

    const idle = monitorEventLoopDelay({ resolution: 10 });
    idle.enable();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    idle.disable();

    const busy = monitorEventLoopDelay({ resolution: 10 });
    busy.enable();
    const started = performance.now();
    const sent = songs.map((song, i) =>
      h.fake.dispatchCommand(
        "genre",
        { link: `spotify:track:${song.spotifyId}` },
        { user: h.fake.member(`bench${i}`) },
      ),
    );
    const replies = await Promise.all(sent.map((s) => h.fake.waitForReply(s, () => true, 600_000)));
    const seconds = (performance.now() - started) / 1000;
    busy.disable();

    const failed = replies.filter((r) => r.attachments.length === 0).length;
    const ms = (ns: number) => (ns / 1e6).toFixed(1);
    // The histogram records the gap between 10 ms sampling timers, so an idle loop reads ~10 ms.
    const excess = (ns: number) => Math.max(0, ns / 1e6 - 10).toFixed(1);
    console.log(
      `bot: ${CONCURRENT} concurrent /genre through the real pool in ${seconds.toFixed(1)} s (${(CONCURRENT / seconds).toFixed(2)} tracks/s, ${failed} failed)`,
    );
    console.log(
      `  event-loop delay idle:  p50 ${ms(idle.percentile(50))} ms · p99 ${ms(idle.percentile(99))} ms · max ${ms(idle.max)} ms`,
    );
    console.log(
      `  event-loop delay busy:  p50 ${ms(busy.percentile(50))} ms · p99 ${ms(busy.percentile(99))} ms · max ${ms(busy.max)} ms (target p99 ≤ 50 ms)`,
    );
    console.log(
      `  busy delay beyond the sampling interval: p99 ${excess(busy.percentile(99))} ms · max ${excess(busy.max)} ms`,
    );
    console.log(`  interaction ack latency: ${summary(sent.map((s) => s.ackLatencyMs ?? Number.NaN))}`);
    console.log(
      `  time to answer:         ${summary(sent.map((s) => (s.edits[0]?.at ?? Number.NaN) - s.dispatchedAt))}`,
    );

    // What rasterising a chart would cost the bot's thread, which is why it runs on a worker.
    const analysis = await analyzeAudio(new Uint8Array(readFileSync(songs[0]?.clip ?? "")), {
      modelDir: h.modelDir,
    });
    const renders = Array.from({ length: 20 }, () => {
      const t = performance.now();
      renderGenreChart(analysis);
      return performance.now() - t;
    });
    console.log(`  chart SVG → PNG if it ran on the main thread: ${summary(renders)}`);
  } finally {
    await h.close();
  }
}

import Keyv from "keyv";
import { request } from "undici";
import { fetchAudio } from "../src/http/index.js";
import { createLogger } from "../src/log.js";
import { createPreviewResolver } from "../src/previews/index.js";
import { createSpotify, type Track } from "../src/spotify/index.js";
import { emotifyClip, type FakeSong, fakeSpotifyId, startFakeInternet } from "../test/fakes/index.js";
import { median } from "./timing.js";

/**
 * Spotify/preview figures against the loopback fake internet, so they show genrebot's own
 * overhead (TLS, checks, JSON, caching), not the real services' latency: preview resolution cold
 * vs from the source cache, the safe download against a bare undici request, autocomplete from
 * cache, a Spotify search through spotify-web-api-node, and a burst held to the provider limit.
 */
const ROUNDS = 60;
const BURST = 40;

const SONG: FakeSong = {
  spotifyId: fakeSpotifyId(1, "bench"),
  title: "Lantern",
  artists: ["Ada Moss"],
  durationMs: 201_000,
  isrc: "GBAYE0601498",
  deezer: { id: 1001, previewFile: emotifyClip("pop", 1) },
};

function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return `${label.padEnd(44)} median ${at(0.5).toFixed(2).padStart(7)} ms   p99 ${at(0.99).toFixed(2).padStart(7)} ms`;
}

async function time(rounds: number, task: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await task();
    samples.push(performance.now() - start);
  }
  return samples;
}

export async function runSpotifyBench(): Promise<void> {
  const internet = await startFakeInternet({ songs: [SONG] });
  const restore = internet.installGlobalHttpsAgent();
  const logger = createLogger("silent");
  try {
    const spotify = createSpotify({ ...internet.credentials, logger });
    const track: Track = await spotify.track(SONG.spotifyId);

    const cold = await time(ROUNDS, () =>
      createPreviewResolver({ dispatcher: internet.dispatcher, logger }).resolve(track),
    );
    const cached = createPreviewResolver({ dispatcher: internet.dispatcher, logger, cache: new Keyv() });
    await cached.resolve(track);
    const warm = await time(ROUNDS, () => cached.resolve(track));
    console.log(summary("resolve, cold (Deezer by ISRC + 0.5 MB MP3)", cold));
    console.log(summary("resolve, source cached (Deezer by id + MP3)", warm));

    const url = (await cached.resolve(track)).url;
    // Interleaved, so load from other processes hits both alike.
    const safe: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      safe.push(...(await time(1, () => fetchAudio(url, "deezer", { dispatcher: internet.dispatcher }))));
      bare.push(
        ...(await time(1, async () => {
          const { body } = await request(url, { dispatcher: internet.dispatcher });
          await body.arrayBuffer();
        })),
      );
    }
    console.log(summary("safe fetchAudio of the MP3", safe));
    console.log(summary("bare undici request of the same MP3", bare));
    console.log(`safe / bare download time (medians): ${(median(safe) / median(bare)).toFixed(2)}×`);

    console.log(
      summary(
        "Spotify search via spotify-web-api-node",
        await time(ROUNDS, () => spotify.search("Ada Moss", "Lantern")),
      ),
    );
    await spotify.suggest("lantern");
    console.log(
      summary("autocomplete answered from cache", await time(ROUNDS * 10, () => spotify.suggest("lantern"))),
    );

    internet.peakConcurrency.clear();
    const start = performance.now();
    await Promise.all(
      Array.from({ length: BURST }, () =>
        createPreviewResolver({ dispatcher: internet.dispatcher, logger }).resolve(track),
      ),
    );
    const wall = performance.now() - start;
    console.log(
      `burst of ${BURST} cold resolutions: ${wall.toFixed(0)} ms wall, peak concurrent requests ` +
        `api.deezer.com ${internet.peakConcurrency.get("api.deezer.com")}, CDN ${internet.peakConcurrency.get("cdnt-preview.dzcdn.net")} (limit 4)`,
    );
  } finally {
    restore();
    await internet.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runSpotifyBench();

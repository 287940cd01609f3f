import { readFileSync } from "node:fs";
import path from "node:path";
import { decodeToMono } from "../src/audio/decode.js";
import { DEFAULT_AUDIO_LIMITS, decodeAudio, resample } from "../src/audio/index.js";

const DATA_DIR = path.resolve(import.meta.dirname, "../../shared/data");
const RUNS = 15;

interface Row {
  step: string;
  coldMs: number;
  medianMs: number;
  p99Ms: number;
  /** This process's CPU time: less inflated than wall time when other processes share the cores. */
  medianCpuMs: number;
}

/** First call (includes one-off filter table / wasm set-up) and median/p99 of the following runs. */
async function measure(step: string, work: () => unknown): Promise<Row> {
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    await work();
    const cpu = process.cpuUsage(cpuStart);
    times.push(performance.now() - start);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
  }
  const [coldMs = 0, ...warm] = times;
  const warmCpu = cpuTimes.slice(1);
  const quantile = (values: number[], q: number) =>
    [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? 0;
  return {
    step,
    coldMs,
    medianMs: quantile(warm, 0.5),
    p99Ms: quantile(warm, 0.99),
    medianCpuMs: quantile(warmCpu, 0.5),
  };
}

/** Decode and resample speed on a 30 s Emotify MP3 (the production preview path) and a GTZAN WAV. */
export async function runAudioBench(): Promise<void> {
  const mp3 = new Uint8Array(readFileSync(path.join(DATA_DIR, "emotify/rock/1.mp3")));
  const wav = new Uint8Array(readFileSync(path.join(DATA_DIR, "gtzan/audio/blues/blues.00000.wav")));
  const { samples: at44k } = await decodeToMono(mp3, "mp3", DEFAULT_AUDIO_LIMITS);
  const at48k = at44k.subarray(0, 30 * 48000);

  const rows = [
    await measure("resample 30 s 44.1→22.05 kHz (FFT)", () => resample(at44k, 44100, 22050)),
    await measure("MP3 decode + downmix (30 s, 44.1 kHz)", () =>
      decodeToMono(mp3, "mp3", DEFAULT_AUDIO_LIMITS),
    ),
    await measure("decodeAudio MP3 total (30 s)", () => decodeAudio(mp3)),
    await measure("decodeAudio WAV 22.05 kHz (30 s)", () => decodeAudio(wav)),
    await measure("resample 30 s 48→22.05 kHz (polyphase)", () => resample(at48k, 48000, 22050)),
  ];
  console.table(
    rows.map((r) => ({
      step: r.step,
      "cold ms": r.coldMs.toFixed(1),
      "median ms": r.medianMs.toFixed(1),
      "p99 ms": r.p99Ms.toFixed(1),
      "median cpu ms": r.medianCpuMs.toFixed(1),
    })),
  );
  const [resampleRow, decodeRow] = rows;
  if (resampleRow && decodeRow) {
    console.log(`resample / decode median ratio: ${(resampleRow.medianMs / decodeRow.medianMs).toFixed(2)}`);
  }
}

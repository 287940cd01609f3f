import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AudioError, decodeAudio, MODEL_SAMPLE_RATE } from "../src/audio/index.js";
import { AnalysisTimeoutError, createAnalyzerPool, type FeaturePool } from "../src/classifier/pool.js";
import { UserFacingError } from "../src/errors.js";
import { DATA_DIR, makeWav, readData } from "./audio-helpers.js";

/**
 * The per-job time limit, on real work: analysing a nine-minute recording made of real GTZAN
 * clips (after loading the model) is seconds of work, far past a half-second limit on any machine,
 * while a feature job on a file that isn't audio is refused by the decoder's sniffing in a few
 * milliseconds.
 */

const JOB_TIMEOUT_MS = 500;

/** GTZAN's ten real 30 s clips (one per genre), decoded once and played round to nine minutes. */
async function nineMinuteRecording(): Promise<Uint8Array> {
  const audioDir = path.join(DATA_DIR, "gtzan/audio");
  const files = readdirSync(audioDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .flatMap((genre) => readdirSync(path.join(audioDir, genre)).map((name) => `gtzan/audio/${genre}/${name}`))
    .filter((file) => file.endsWith(".wav"));
  const clips = await Promise.all(files.map(async (file) => (await decodeAudio(readData(file))).samples));
  const samples = new Float32Array(9 * 60 * MODEL_SAMPLE_RATE);
  for (let at = 0, i = 0; at < samples.length; i++) {
    const clip = clips[i % clips.length] as Float32Array;
    samples.set(clip.subarray(0, samples.length - at), at);
    at += clip.length;
  }
  return makeWav(MODEL_SAMPLE_RATE, [samples]);
}

describe("analyzer pool job time limit", () => {
  let pool: FeaturePool;
  let recording: Uint8Array;
  beforeAll(async () => {
    recording = await nineMinuteRecording();
    pool = createAnalyzerPool({ size: 1, jobTimeoutMs: JOB_TIMEOUT_MS });
  }, 120_000);
  afterAll(async () => {
    await pool?.close();
  });

  it("gives up on a job that overruns, in words, and the replacement worker answers the next job", async () => {
    expect(recording.length / (MODEL_SAMPLE_RATE * 2)).toBeGreaterThanOrEqual(9 * 60);
    const error = await pool.analyze(recording).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AnalysisTimeoutError);
    expect(error).toBeInstanceOf(UserFacingError);
    expect((error as UserFacingError).code).toBe("analysis-timeout");
    expect((error as UserFacingError).message).toMatch(/^That file took longer than 0\.5 s to analyse/);

    // One worker only, and it was terminated: this answer comes from its replacement. A feature
    // job on a non-audio file is refused by the decoder's sniffing before any model is loaded.
    const next = await pool.features(new TextEncoder().encode("definitely not a song")).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(next).toBeInstanceOf(AudioError);
    expect((next as AudioError).code).toBe("not-audio");
  }, 120_000);
});

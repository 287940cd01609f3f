import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { atRate, decodeMono, NETWORK_SAMPLE_RATE } from "../src/audio/index.js";
import { hearWithYamnet } from "../src/classifier/hearing.js";
import {
  type AnalyzerPool,
  analyzeAudio,
  createAnalyzerPool,
  NotMusicError,
  yamnetPatches,
} from "../src/classifier/index.js";
import { MODELS_SOURCE_DIR } from "../src/training/convert/main.js";
import { makeWav } from "./audio-helpers.js";

const DATA = path.resolve(import.meta.dirname, "../../shared/data");
/** Nine seconds of synthetic English speech (espeak-ng, en-us), 22 050 Hz mono: no music in it. */
const SPEECH = path.resolve(import.meta.dirname, "fixtures/speech-espeak.wav");
const GTZAN = ["blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock"];

interface Reference {
  musicnn: { patch_count: number; MSD_musicnn: { tags_mean: number[] } };
}

async function gtzan(genre: string): Promise<Uint8Array> {
  return readFile(path.join(DATA, "gtzan/audio", genre, `${genre}.00000.wav`));
}

describe("analyzeAudio hears with the pretrained networks", () => {
  it("gives musicnn's clip tags as the reference computes them from the same file (GTZAN hiphop.00000)", async () => {
    const ref: Reference = JSON.parse(
      await readFile(path.join(MODELS_SOURCE_DIR, "reference", "hiphop-hiphop.00000.json"), "utf8"),
    );
    const tagNames: string[] = JSON.parse(
      await readFile(path.resolve(import.meta.dirname, "../models/musicnn/tags.json"), "utf8"),
    );
    const analysis = await analyzeAudio(await gtzan("hiphop"));
    expect(analysis.tags).toHaveLength(50);
    for (const { tag, probability } of analysis.tags) {
      const expected = ref.musicnn.MSD_musicnn.tags_mean[tagNames.indexOf(tag)] as number;
      expect(Math.abs(probability - expected), tag).toBeLessThan(1e-4);
    }
    expect(analysis.tags.map((t) => t.probability)).toEqual(
      [...analysis.tags.map((t) => t.probability)].sort((a, b) => b - a),
    );
    const referenceTop5 = ref.musicnn.MSD_musicnn.tags_mean
      .map((p, i) => [p, i] as const)
      .sort((a, b) => b[0] - a[0])
      .slice(0, 5)
      .map(([, i]) => tagNames[i]);
    expect(analysis.tags.slice(0, 5).map((t) => t.tag)).toEqual(referenceTop5);
    // One picture per 3 s patch, back to back from the start.
    expect(analysis.patches).toHaveLength(ref.musicnn.patch_count);
    analysis.patches.forEach((p, k) => {
      expect(p.startSeconds).toBeCloseTo(k * 2.992, 3);
      expect(p.endSeconds).toBeCloseTo((k + 1) * 2.992, 3);
      expect(p.tags).toHaveLength(5);
      expect(p.music).toBeGreaterThan(0.2);
    });
    expect(analysis.music.isMusic).toBe(true);
  });

  it("hears music in each GTZAN genre's first clip", async () => {
    for (const genre of GTZAN) {
      const samples = atRate(await decodeMono(await gtzan(genre)), NETWORK_SAMPLE_RATE).samples;
      const { music } = await hearWithYamnet(yamnetPatches(samples));
      expect(music.isMusic, genre).toBe(true);
      expect(music.musicShare, genre).toBeGreaterThan(0.8);
      expect(music.music, genre).toBeGreaterThan(music.speech);
    }
  }, 120_000);

  it("refuses speech: no music heard, one friendly sentence", async () => {
    const error = await analyzeAudio(await readFile(SPEECH)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotMusicError);
    expect((error as NotMusicError).code).toBe("no-music");
    expect((error as NotMusicError).message).toMatch(/^I couldn't hear any music in this\./);
    expect((error as NotMusicError).reason).toMatch(/^YAMNet/);
  });

  it("hears digital silence as no music even where the loudness judge is not asked", async () => {
    const silence = atRate(
      await decodeMono(makeWav(44100, [new Float32Array(5 * 44100)])),
      NETWORK_SAMPLE_RATE,
    );
    const { music } = await hearWithYamnet(yamnetPatches(silence.samples));
    expect(music.isMusic).toBe(false);
    expect(music.musicShare).toBe(0);
  });
});

describe("the analyzer pool with the pretrained networks", () => {
  let pool: AnalyzerPool;
  beforeAll(() => {
    pool = createAnalyzerPool({ size: 1 });
  });
  afterAll(async () => {
    await pool.close();
  });

  it("returns tags, the music judgement and the patch picture from a worker, and refuses speech there too", async () => {
    const bytes = await readFile(path.join(DATA, "emotify/rock/1.mp3"));
    const [pooled, refused] = await Promise.all([
      pool.analyze(bytes),
      pool.analyze(await readFile(SPEECH)).catch((e: unknown) => e),
    ]);
    const direct = await analyzeAudio(bytes);
    expect(pooled.tags).toEqual(direct.tags);
    expect(pooled.music).toEqual(direct.music);
    expect(pooled.patches).toEqual(direct.patches);
    // Errors cross the worker boundary as UserFacingErrors with their code.
    expect((refused as NotMusicError).code).toBe("no-music");
  }, 120_000);
});

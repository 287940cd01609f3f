import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { decodeAudio } from "../src/audio/index.js";
import { chromagram } from "../src/classifier/features/chroma.js";
import { harmonicWaveform, hpssStats } from "../src/classifier/features/hpss.js";
import { extractFeatures, FEATURE_NAMES, featureVector } from "../src/classifier/features/index.js";
import { melSpectrogramDb } from "../src/classifier/features/mel.js";
import { mfcc } from "../src/classifier/features/mfcc.js";
import { rmsFrames } from "../src/classifier/features/rms.js";
import { spectralShape } from "../src/classifier/features/spectral.js";
import { magnitudeSpectrogram, powerSpectrogram, type Stft, stft } from "../src/classifier/features/stft.js";
import { estimateTempo, onsetStrength } from "../src/classifier/features/tempo.js";
import { estimateTuning } from "../src/classifier/features/tuning.js";
import { zeroCrossingRate } from "../src/classifier/features/zcr.js";
import { run as featuresCli } from "../src/cli/features.js";
import { UsageError, UserFacingError } from "../src/errors.js";
import {
  type ClipComparison,
  readReferenceTable,
  SIGMA_FEATURES,
  sharedDataSigmas,
  summariseParity,
} from "../src/training/parity.js";

const DATA = path.resolve(import.meta.dirname, "../../shared/data");
const GTZAN_AUDIO = path.join(DATA, "gtzan", "audio");
const EMOTIFY = path.join(DATA, "emotify");

/**
 * The GTZAN clips are 22050 Hz mono 16-bit, so decodeAudio only scales them by 1/32768 as librosa
 * does (audio-decode's own WAV reader divides positive samples by 32767, which librosa does not).
 */
async function readGtzan(clip: string): Promise<Float32Array> {
  const { samples, sampleRate } = await decodeAudio(readFileSync(path.join(GTZAN_AUDIO, clip)));
  expect(sampleRate).toBe(22050);
  return samples;
}

function maxAbsDifference(ours: ArrayLike<number>, theirs: ArrayLike<number>): number {
  expect(ours.length).toBe(theirs.length);
  let max = 0;
  for (let i = 0; i < ours.length; i++)
    max = Math.max(max, Math.abs((ours[i] as number) - (theirs[i] as number)));
  return max;
}

const maxAbs = (values: ArrayLike<number>) => Math.max(...Array.from(values, Math.abs));

interface LibrosaFrames {
  n_samples: number;
  n_frames: number;
  stft_magnitude_frame10_first64_bins: number[];
  rms: number[];
  zero_crossing_rate: number[];
  spectral_centroid: number[];
  spectral_bandwidth: number[];
  spectral_rolloff: number[];
  estimated_tuning: number;
  chroma_stft: number[][];
  mfcc20: number[][];
  onset_strength: number[];
  tempo: number;
  harmonic_first200: number[];
  harmonic_mean: number;
  harmonic_var: number;
  percussive_mean: number;
  percussive_var: number;
}

describe("each stage against librosa's frame-by-frame output (first 5 s of blues.00000)", () => {
  const frames = JSON.parse(
    readFileSync(path.join(GTZAN_AUDIO, "librosa_frames_blues00000_5s.json"), "utf8"),
  ) as LibrosaFrames;
  let samples: Float32Array;
  let spectrum: Stft;
  let magnitude: Float32Array;
  let power: Float32Array;
  let melDb: Float32Array;

  beforeAll(async () => {
    samples = (await readGtzan("blues/blues.00000.wav")).slice(0, frames.n_samples);
    spectrum = stft(samples);
    magnitude = magnitudeSpectrogram(spectrum);
    power = powerSpectrogram(magnitude);
    melDb = melSpectrogramDb(power, spectrum.nFrames);
  });

  it("frames the clip like librosa and matches its STFT magnitudes to float32 precision", () => {
    expect(spectrum.nFrames).toBe(frames.n_frames);
    const reference = frames.stft_magnitude_frame10_first64_bins;
    const ours = magnitude.subarray(10 * 1025, 10 * 1025 + reference.length);
    // librosa's STFT is complex64: agreement to ~1e-6 of the frame's largest magnitude.
    expect(maxAbsDifference(ours, reference)).toBeLessThan(1e-6 * maxAbs(reference) * 10);
  });

  it("computes RMS (Meyda on zero-padded frames) and zero-crossing rate (edge-padded) per frame", () => {
    expect(maxAbsDifference(rmsFrames(samples), frames.rms)).toBeLessThan(1e-6);
    // Crossing counts are integers over 2048: any disagreement would be ≥ 1/2048.
    expect(maxAbsDifference(zeroCrossingRate(samples), frames.zero_crossing_rate)).toBe(0);
  });

  it("computes spectral centroid, bandwidth and rolloff per frame", () => {
    const shape = spectralShape(magnitude, spectrum.nFrames);
    expect(maxAbsDifference(shape.centroid, frames.spectral_centroid)).toBeLessThan(0.01); // Hz, of ~2000
    expect(maxAbsDifference(shape.bandwidth, frames.spectral_bandwidth)).toBeLessThan(0.01);
    // Rolloff is a bin frequency: the same bin in every frame.
    expect(maxAbsDifference(shape.rolloff, frames.spectral_rolloff)).toBe(0);
  });

  it("estimates tuning like librosa.estimate_tuning(y) on the magnitude spectrogram", () => {
    expect(estimateTuning(magnitude, spectrum.nFrames)).toBeCloseTo(frames.estimated_tuning, 12);
  });

  it("computes chroma_stft (tuning estimated from the power spectrogram, as chroma_stft does)", () => {
    const ours = chromagram(power, spectrum.nFrames);
    expect(maxAbsDifference(ours, frames.chroma_stft.flat())).toBeLessThan(1e-5);
  });

  it("computes the 20 MFCCs per frame", () => {
    const coefficients = mfcc(melDb, spectrum.nFrames);
    const ours = frames.mfcc20.flatMap((_, t) => coefficients.map((c) => c[t] as number));
    // float32 log-mel values of magnitude ~100 dB: agreement to a few float32 ulps.
    expect(maxAbsDifference(ours, frames.mfcc20.flat())).toBeLessThan(1e-3);
  });

  it("computes the onset strength envelope and the tempo", () => {
    const onset = onsetStrength(melDb, spectrum.nFrames);
    expect(maxAbsDifference(onset, frames.onset_strength)).toBeLessThan(1e-5);
    expect(estimateTempo(onset)).toBe(frames.tempo);
  });

  it("separates harmonic and percussive waveforms like librosa.effects.hpss", () => {
    const harmonic = harmonicWaveform(samples, spectrum, magnitude);
    expect(maxAbsDifference(harmonic.subarray(0, 200), frames.harmonic_first200)).toBeLessThan(1e-6);
    const stats = hpssStats(samples, spectrum, magnitude);
    expect(stats.harmonic.mean).toBeCloseTo(frames.harmonic_mean, 8);
    expect(stats.percussive.mean).toBeCloseTo(frames.percussive_mean, 8);
    expect(Math.abs(stats.harmonic.variance / frames.harmonic_var - 1)).toBeLessThan(1e-5);
    expect(Math.abs(stats.percussive.variance / frames.percussive_var - 1)).toBeLessThan(1e-5);
  });
});

function worstLine(summary: ReturnType<typeof summariseParity>): string {
  const [name, worst] = Object.entries(summary.worst).sort((a, b) => b[1].sigma - a[1].sigma)[0] ?? [];
  return `worst feature ${name}: ${worst?.sigma.toExponential(2)} σ on ${worst?.clip}; tempo agreement ${summary.tempoAgreement}`;
}

describe("parity with librosa on whole clips", async () => {
  const sigmas = await sharedDataSigmas(DATA);

  it("matches all 57 features of the 10 GTZAN clips within 0.02 σ and the same tempo", async () => {
    const comparisons: ClipComparison[] = [];
    for (const row of await readReferenceTable(path.join(GTZAN_AUDIO, "librosa_reference.csv"))) {
      comparisons.push({
        clip: row.clip,
        ours: extractFeatures(await readGtzan(row.clip)),
        reference: row.features,
      });
    }
    expect(comparisons).toHaveLength(10);
    const summary = summariseParity(comparisons, sigmas);
    for (const name of SIGMA_FEATURES)
      expect({ name, share: summary.withinShare[name] }, worstLine(summary)).toEqual({ name, share: 1 });
    expect(summary.tempoAgreement, worstLine(summary)).toBe(1);
  });

  it("matches librosa on a stratified quarter of Emotify (80 MP3s through decodeAudio)", {
    timeout: 900_000,
  }, async () => {
    // Every 4th clip of each genre: the full 320 run in `npm run bench features`.
    const rows = (await readReferenceTable(path.join(EMOTIFY, "librosa_reference.csv"))).filter(
      (row) => Number.parseInt(path.basename(row.clip), 10) % 4 === 1,
    );
    expect(rows).toHaveLength(80);
    const comparisons: ClipComparison[] = [];
    for (const row of rows) {
      const { samples } = await decodeAudio(readFileSync(path.join(EMOTIFY, row.clip)));
      comparisons.push({ clip: row.clip, ours: extractFeatures(samples), reference: row.features });
    }
    // Another MP3 decoder than librosa's ffmpeg moves the zero-crossing features by up to ~0.44 σ.
    const summary = summariseParity(comparisons, sigmas, {
      zero_crossing_rate_mean: 0.5,
      zero_crossing_rate_var: 0.5,
    });
    for (const name of SIGMA_FEATURES) {
      expect({ name, share: summary.withinShare[name] }, worstLine(summary)).toEqual({
        name,
        share: expect.toSatisfy((s: number) => s >= 0.95),
      });
    }
    expect(summary.tempoAgreement, worstLine(summary)).toBeGreaterThanOrEqual(0.9);
  });
});

describe("contract", () => {
  it("names the 57 columns of the GTZAN table in its order", () => {
    const header =
      readFileSync(path.join(DATA, "gtzan", "features_30_sec.csv"), "utf8")
        .split(/\r?\n/)[0]
        ?.split(",") ?? [];
    const columns = header.filter((c) => !["filename", "length", "label", "split"].includes(c));
    expect([...FEATURE_NAMES]).toEqual(columns);
    expect(FEATURE_NAMES).toHaveLength(57);
  });

  it("lays out featureVector in FEATURE_NAMES order", async () => {
    const features = extractFeatures((await readGtzan("jazz/jazz.00000.wav")).subarray(0, 22050 * 3));
    const vector = featureVector(features);
    expect(vector).toHaveLength(57);
    expect(Array.from(vector)).toEqual(FEATURE_NAMES.map((name) => Math.fround(features[name])));
  });

  it("refuses audio too short to frame, or with invalid samples, with a friendly error", () => {
    const short = new Float32Array(1000).fill(0.1);
    expect(() => extractFeatures(short)).toThrow(UserFacingError);
    expect(() => extractFeatures(short)).toThrow(/too short/);
    const broken = new Float32Array(22050);
    broken[500] = Number.NaN;
    expect(() => extractFeatures(broken)).toThrow(expect.objectContaining({ code: "audio-corrupt" }));
    expect(broken[0]).toBe(0); // the input is left untouched
  });

  it("gives finite features for digital silence (librosa's divide-by-zero guards)", () => {
    const features = extractFeatures(new Float32Array(22050 * 2));
    for (const name of FEATURE_NAMES)
      expect({ name, finite: Number.isFinite(features[name]) }).toEqual({ name, finite: true });
    expect(features.rms_mean).toBe(0);
  });
});

describe("genrebot features", () => {
  afterEach(() => vi.restoreAllMocks());

  it("prints one JSON line per file and a friendly error per bad file, exit 1", async () => {
    const printed: string[] = [];
    const errors: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => printed.push(line));
    vi.spyOn(console, "error").mockImplementation((line: string) => errors.push(line));
    const wav = path.join(GTZAN_AUDIO, "jazz", "jazz.00000.wav");
    const missing = path.join(DATA, "no-such-clip.wav");
    const notAudio = path.join(DATA, "README.md");
    expect(await featuresCli([wav, missing, notAudio, "--json"])).toBe(1);
    expect(printed).toHaveLength(1);
    const line = JSON.parse(printed[0] ?? "") as { file: string; features: Record<string, number> };
    expect(line.file).toBe(wav);
    expect(Object.keys(line.features)).toEqual([...FEATURE_NAMES]);
    const expected = extractFeatures(await readGtzan("jazz/jazz.00000.wav"));
    for (const name of FEATURE_NAMES) expect(line.features[name]).toBe(expected[name]);
    expect(errors).toEqual([
      `${missing}: There is no such file.`,
      expect.stringMatching(/^.*README\.md: That file is .*not audio/),
    ]);
  });

  it("prints a named table and exits 0 when every file works", async () => {
    const printed: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => printed.push(line));
    expect(await featuresCli([path.join(GTZAN_AUDIO, "metal", "metal.00000.wav")])).toBe(0);
    const lines = (printed[0] ?? "").split("\n");
    expect(lines).toHaveLength(58);
    expect(lines[17]).toMatch(/^ {2}tempo +95\.7031\d$/);
  });

  it("rejects a missing file list or an unknown option as a usage error", async () => {
    await expect(featuresCli([])).rejects.toThrow(UsageError);
    await expect(featuresCli(["--csv", "a.wav"])).rejects.toThrow(UsageError);
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";
import { AudioError, type AudioLimits, decodeAudio, MODEL_SAMPLE_RATE } from "../src/audio/index.js";
import { makeWav, readData, seededRandom, sine } from "./audio-helpers.js";

/**
 * Damaged files of every kind must end in either finite audio or an AudioError: never a crash,
 * a hang, a non-AudioError or NaN samples. Fixed seed, so every run sees the same 400 cases.
 */
const random = seededRandom(20_261_122);
const int = (below: number) => Math.floor(random() * below);

const bases: Record<string, Uint8Array> = {
  mp3: readData("emotify/rock/1.mp3").slice(0, 64 * 1024), // ID3 + Info frame + ~4 s of audio
  "wav-mono": makeWav(22050, [sine(440, 22050, 3)]),
  "wav-stereo-44k": makeWav(44100, [sine(440, 44100, 2.5), sine(523, 44100, 2.5, 0.3)]),
};

type Mutation = (bytes: Uint8Array) => Uint8Array;

const mutations: Record<string, Mutation> = {
  "bit flips": (bytes) => {
    const out = bytes.slice();
    const flips = 1 + int(64);
    for (let i = 0; i < flips; i++) {
      // Half the flips land in the first 2 KB, where the headers that steer decoding live.
      const at = random() < 0.5 ? int(Math.min(2048, out.length)) : int(out.length);
      out[at] = (out[at] as number) ^ (1 << int(8));
    }
    return out;
  },
  truncation: (bytes) => bytes.slice(0, int(bytes.length)),
  "header only": (bytes) => bytes.slice(0, int(2048)),
  "spliced garbage": (bytes) => {
    const at = int(bytes.length);
    const garbage = Uint8Array.from({ length: 1 + int(8192) }, () => int(256));
    const out = new Uint8Array(bytes.length + garbage.length);
    out.set(bytes.subarray(0, at));
    out.set(garbage, at);
    out.set(bytes.subarray(at), at + garbage.length);
    return out;
  },
  "overwritten block": (bytes) => {
    const out = bytes.slice();
    const at = int(out.length);
    out.fill(random() < 0.5 ? 0 : 0xff, at, at + 1 + int(4096));
    return out;
  },
  "repeated header": (bytes) => {
    const head = bytes.subarray(0, 1 + int(1024));
    const out = new Uint8Array(bytes.length + head.length);
    const at = int(bytes.length);
    out.set(bytes.subarray(0, at));
    out.set(head, at);
    out.set(bytes.subarray(at), at + head.length);
    return out;
  },
};

describe("decodeAudio on corrupted files", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("400 corrupted MP3/WAV buffers: finite samples or an AudioError, nothing else", async () => {
    // The wasm decoders print every bad frame to console.error; hundreds of lines would bury real failures.
    vi.spyOn(console, "error").mockImplementation(() => {});
    const outcomes = new Map<string, number>();
    const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    for (let i = 0; i < 400; i++) {
      const baseName = Object.keys(bases)[i % 3] as string;
      const mutationName = Object.keys(mutations)[int(Object.keys(mutations).length)] as string;
      const bytes = (mutations[mutationName] as Mutation)(bases[baseName] as Uint8Array);
      // Every other case lowers the minimum length so short survivors reach the resampler too.
      const limits: Partial<AudioLimits> = i % 2 ? { minSeconds: 0.05 } : {};
      const label = `case ${i}: ${baseName} / ${mutationName} (${bytes.length} bytes)`;
      const outcome = await decodeAudio(bytes, limits).then(
        (decoded) => ({ decoded }),
        (error: unknown) => ({ error }),
      );
      if ("error" in outcome) {
        expect(outcome.error, label).toBeInstanceOf(AudioError);
        expect((outcome.error as AudioError).message.length, label).toBeGreaterThan(20);
        count((outcome.error as AudioError).code);
        continue;
      }
      const { decoded } = outcome;
      expect(decoded.sampleRate, label).toBe(MODEL_SAMPLE_RATE);
      expect(decoded.samples.length, label).toBeGreaterThan(0);
      expect(decoded.samples.every(Number.isFinite), label).toBe(true);
      count("decoded");
    }
    // Both ends must actually be exercised, or the loop above proves nothing.
    expect(outcomes.get("decoded") ?? 0).toBeGreaterThan(50);
    expect(outcomes.get("corrupt") ?? 0).toBeGreaterThan(5);
  }, 120_000);
});

import { beforeAll, describe, expect, it } from "vitest";
import { atRate, decodeMono, MODEL_SAMPLE_RATE, NETWORK_SAMPLE_RATE } from "../src/audio/index.js";
import {
  MUSICNN_BANDS,
  MUSICNN_FRAMES,
  musicnnPatches,
  YAMNET_BANDS,
  YAMNET_FRAMES,
  yamnetPatches,
} from "../src/classifier/frontends/index.js";
import { toFloat16 } from "../src/classifier/frontends/musicnn.js";
import {
  type ModelReference,
  REFERENCE_CLIPS,
  readModelReference,
  readReferenceClip,
} from "./helpers/model-references.js";

/** Largest |a[i] − b[i]| over the first `length` values. */
function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>, length: number): number {
  let max = 0;
  for (let i = 0; i < length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

interface Clip {
  reference: ModelReference;
  samples16k: Float32Array;
}

const clips = new Map<string, Clip>();

beforeAll(async () => {
  for (const name of REFERENCE_CLIPS) {
    const reference = readModelReference(name);
    const decoded = await decodeMono(readReferenceClip(reference));
    clips.set(name, { reference, samples16k: atRate(decoded, NETWORK_SAMPLE_RATE).samples });
  }
});

const clip = (name: string) => clips.get(name) as Clip;

describe("16 kHz samples, as librosa.load(path, sr=16000)", () => {
  it.each(REFERENCE_CLIPS)("%s: same length and first 4000 samples within 1e-5", (name) => {
    const { reference, samples16k } = clip(name);
    expect(samples16k.length).toBe(reference.musicnn.n_samples16k);
    const head = reference.musicnn.samples16k_head;
    expect(maxAbsDifference(samples16k, head, head.length)).toBeLessThan(1e-5); // measured ≤ 5.8e-7
  });

  it("come from the same decode as the 22 050 Hz samples of the features", async () => {
    const reference = readModelReference("rock-1");
    const decoded = await decodeMono(readReferenceClip(reference));
    expect(decoded.sampleRate).toBe(44100);
    const at22k = atRate(decoded, MODEL_SAMPLE_RATE);
    const at16k = atRate(decoded, NETWORK_SAMPLE_RATE);
    expect(at22k.samples.length).toBe(Math.ceil((decoded.samples.length * 22050) / 44100));
    expect(at16k.samples).toEqual(clip("rock-1").samples16k);
    expect(at16k.durationSeconds).toBe(decoded.durationSeconds);
  });
});

/**
 * The references hold only the first 4000 samples at 16 kHz, so "identical samples" means the
 * frames that lie wholly inside them, with the rest of the clip zeroed.
 */
function referenceHead(reference: ModelReference): Float32Array {
  const samples = new Float32Array(reference.musicnn.n_samples16k);
  samples.set(reference.musicnn.samples16k_head);
  return samples;
}

describe("musicnn log-mel patches", () => {
  it.each(REFERENCE_CLIPS)(
    "%s: identical samples give patch0's first frames within 5e-4 (one float16 step)",
    (name) => {
      const { reference } = clip(name);
      const head = reference.musicnn.samples16k_head.length;
      const whole = Math.floor((head - 256) / 256) + 1; // centred frame t spans samples [256t − 256, 256t + 256)
      const [patch] = musicnnPatches(referenceHead(reference));
      const expected = reference.musicnn.patch0.slice(0, whole).flat();
      expect(maxAbsDifference(patch as Float32Array, expected, expected.length)).toBeLessThan(5e-4); // measured ≤ 9.8e-7
    },
  );

  it.each(REFERENCE_CLIPS)("%s: from the audio file, patch count and patch0 within 5e-4", (name) => {
    const { reference, samples16k } = clip(name);
    const patches = musicnnPatches(samples16k);
    expect(patches).toHaveLength(reference.musicnn.patch_count);
    expect(patches.every((p) => p.length === MUSICNN_FRAMES * MUSICNN_BANDS)).toBe(true);
    const expected = reference.musicnn.patch0.flat();
    expect(maxAbsDifference(patches[0] as Float32Array, expected, expected.length)).toBeLessThan(5e-4); // measured ≤ 4.1e-4
  });

  it("drops the remainder: a clip just short of 2 patches gives 1, one under 3 s gives none", () => {
    const samples = clip("rock-1").samples16k;
    expect(musicnnPatches(samples.subarray(0, 2 * MUSICNN_FRAMES * 256 - 257))).toHaveLength(1);
    expect(musicnnPatches(samples.subarray(0, MUSICNN_FRAMES * 256 - 257))).toHaveLength(0);
  });
});

describe("YAMNet log-mel patches", () => {
  /** Largest log-mel error over patch0's frames that lie wholly inside the reference samples. */
  function identicalSamplesError(name: string): number {
    const { reference } = clip(name);
    const whole = Math.floor((reference.musicnn.samples16k_head.length - 400) / 160) + 1;
    const [patch] = yamnetPatches(referenceHead(reference));
    const expected = reference.yamnet.logmel_patch0.slice(0, whole).flat();
    return maxAbsDifference(patch as Float32Array, expected, expected.length);
  }

  it.each(["rock-1", "hiphop-hiphop.00000"])(
    "%s: identical samples give logmel_patch0's first frames within 1e-5",
    (name) => {
      expect(identicalSamplesError(name)).toBeLessThan(1e-5); // measured 6.8e-6, 1.6e-6
    },
  );

  it("classical-1: the same within 1e-4, the limit of its samples' 7 significant digits in the JSON", () => {
    // Rounding the samples to 7 digits adds noise ~5e-8 of the level; in this quiet clip's 7 kHz
    // bands (mel ≈ 0.006, beside log's offset of 0.001) that is up to 4.4e-5 of log-mel.
    expect(identicalSamplesError("classical-1")).toBeLessThan(1e-4);
  });

  it.each(REFERENCE_CLIPS)("%s: from the audio file, patch count and logmel_patch0 within 1e-3", (name) => {
    const { reference, samples16k } = clip(name);
    const patches = yamnetPatches(samples16k);
    expect(patches).toHaveLength(reference.yamnet.patch_count);
    expect(patches.every((p) => p.length === YAMNET_FRAMES * YAMNET_BANDS)).toBe(true);
    const expected = reference.yamnet.logmel_patch0.flat();
    expect(maxAbsDifference(patches[0] as Float32Array, expected, expected.length)).toBeLessThan(1e-3); // measured ≤ 2.0e-4
  });

  it("overlaps patches by half: patch 1 starts at patch 0's frame 48", () => {
    const [first, second] = yamnetPatches(clip("classical-1").samples16k) as [Float32Array, Float32Array];
    expect(second.subarray(0, 48 * YAMNET_BANDS)).toEqual(first.subarray(48 * YAMNET_BANDS));
  });
});

describe("toFloat16 (NumPy's astype(float16))", () => {
  it("rounds to 10 mantissa bits, ties to even", () => {
    expect(toFloat16(1 + 2 ** -11)).toBe(1); // tie, even stays
    expect(toFloat16(1 + 3 * 2 ** -11)).toBe(1 + 2 ** -9); // tie, odd rounds up
    expect(toFloat16(1 + 2 ** -11 + 2 ** -20)).toBe(1 + 2 ** -10);
    expect(toFloat16(1000.3)).toBe(1000.5);
  });

  it("keeps subnormal steps of 2^-24, flushes below half of one, overflows to infinity from 65 520", () => {
    expect(toFloat16(3 * 2 ** -25)).toBe(2 ** -23);
    expect(toFloat16(2 ** -26)).toBe(0);
    expect(toFloat16(65504)).toBe(65504);
    expect(toFloat16(65519)).toBe(65504);
    expect(toFloat16(65520)).toBe(Number.POSITIVE_INFINITY);
    expect(toFloat16(0)).toBe(0);
  });
});

import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  musicnnTagNames,
  runMusicnn,
  runYamnet,
  yamnetClassNames,
} from "../src/classifier/pretrained/index.js";
import { convertModels, MODELS_DIR, MODELS_SOURCE_DIR } from "../src/training/convert/main.js";

/** Reference outputs computed from the original networks (../shared/models-src/README.md). */
const REFERENCES = ["rock-1", "classical-1", "hiphop-hiphop.00000"] as const;

interface Reference {
  musicnn: { patch0: number[][]; MSD_musicnn: { patch0_tags: number[]; patch0_dense: number[] } };
  yamnet: { logmel_patch0: number[][]; patch0_scores: number[]; patch0_embedding: number[] };
}

async function reference(name: string): Promise<Reference> {
  return JSON.parse(await readFile(path.join(MODELS_SOURCE_DIR, "reference", `${name}.json`), "utf8"));
}

function maxAbsDiff(actual: Float32Array, expected: readonly number[]): number {
  expect(actual.length).toBe(expected.length);
  return expected.reduce((worst, v, i) => Math.max(worst, Math.abs(v - (actual[i] as number))), 0);
}

function topIndices(values: ArrayLike<number>, k: number): number[] {
  return Array.from(values, (v, i) => [v, i] as const)
    .sort((a, b) => b[0] - a[0])
    .slice(0, k)
    .map(([, i]) => i);
}

describe("shipped musicnn (models/musicnn/msd_musicnn.onnx)", () => {
  it.each(REFERENCES)("reproduces the Keras model's tags and dense layer on %s patch 0", async (name) => {
    const ref = await reference(name);
    const [out] = await runMusicnn([Float32Array.from(ref.musicnn.patch0.flat())]);
    if (!out) throw new Error("no output");
    expect(maxAbsDiff(out.tags, ref.musicnn.MSD_musicnn.patch0_tags)).toBeLessThan(1e-5);
    expect(maxAbsDiff(out.dense, ref.musicnn.MSD_musicnn.patch0_dense)).toBeLessThan(1e-4);
    expect(topIndices(out.tags, 5)).toEqual(topIndices(ref.musicnn.MSD_musicnn.patch0_tags, 5));
    expect(out.bnDense).toHaveLength(200);
  });

  it("gives each patch of a batch its own outputs, in order", async () => {
    const refs = await Promise.all(REFERENCES.map(reference));
    const patches = refs.map((r) => Float32Array.from(r.musicnn.patch0.flat()));
    const outs = await runMusicnn(patches);
    expect(outs).toHaveLength(3);
    outs.forEach((out, i) => {
      expect(maxAbsDiff(out.tags, refs[i]?.musicnn.MSD_musicnn.patch0_tags ?? [])).toBeLessThan(1e-5);
    });
  });

  it("names its 50 tags in output order", async () => {
    const tags = await musicnnTagNames();
    expect(tags).toHaveLength(50);
    expect(tags.slice(0, 3)).toEqual(["rock", "pop", "alternative"]);
  });
});

describe("shipped YAMNet (models/yamnet/yamnet.onnx)", () => {
  it.each(REFERENCES)(
    "reproduces the dequantised network's scores and embedding on %s patch 0",
    async (name) => {
      const ref = await reference(name);
      const [out] = await runYamnet([Float32Array.from(ref.yamnet.logmel_patch0.flat())]);
      if (!out) throw new Error("no output");
      expect(maxAbsDiff(out.scores, ref.yamnet.patch0_scores)).toBeLessThan(1e-5);
      expect(maxAbsDiff(out.embedding, ref.yamnet.patch0_embedding)).toBeLessThan(1e-4);
    },
  );

  it("splits a multi-patch call back into per-patch outputs, in order", async () => {
    const refs = await Promise.all(REFERENCES.map(reference));
    // Ten patches: more than one onnxruntime call, the last one partial.
    const patches = Array.from({ length: 10 }, (_, i) =>
      Float32Array.from(refs[i % 3]?.yamnet.logmel_patch0.flat() ?? []),
    );
    const outs = await runYamnet(patches);
    expect(outs).toHaveLength(10);
    outs.forEach((out, i) => {
      expect(maxAbsDiff(out.scores, refs[i % 3]?.yamnet.patch0_scores ?? [])).toBeLessThan(1e-5);
    });
  });

  it("names its 521 AudioSet classes in output order", async () => {
    const names = await yamnetClassNames();
    expect(names).toHaveLength(521);
    expect([names[0], names[1], names[132], names[494]]).toEqual([
      "Speech",
      "Child speech, kid speaking",
      "Music",
      "Silence",
    ]);
  });

  it("refuses a patch of the wrong size", async () => {
    await expect(runYamnet([new Float32Array(96 * 63)])).rejects.toThrow(/expected 6144/);
  });
});

describe("npm run models:convert", () => {
  let outDir = "";
  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it("rebuilds the shipped models, licences and label files byte for byte from ../shared/models-src", async () => {
    outDir = await mkdtemp(path.join(tmpdir(), "genrebot-convert-"));
    const written = await convertModels(MODELS_SOURCE_DIR, outDir);
    expect(written.sort()).toEqual([
      "musicnn/LICENSE.md",
      "musicnn/msd_musicnn.onnx",
      "musicnn/tags.json",
      "yamnet/LICENSE",
      "yamnet/NOTICE",
      "yamnet/yamnet.onnx",
      "yamnet/yamnet_class_map.csv",
    ]);
    for (const file of written) {
      const [fresh, shipped] = await Promise.all([
        readFile(path.join(outDir, file)),
        readFile(path.join(MODELS_DIR, file)),
      ]);
      expect(fresh.equals(shipped), file).toBe(true);
    }
    // Every shipped model file stays under GitHub's 25 MB upload limit.
    for (const folder of ["musicnn", "yamnet"]) {
      for (const file of await readdir(path.join(MODELS_DIR, folder))) {
        const bytes = await readFile(path.join(MODELS_DIR, folder, file));
        expect(bytes.length, file).toBeLessThan(25 * 1024 * 1024);
      }
    }
  });
});

import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  embeddingSize,
  loadSimilarityTransform,
  similarityEmbedding,
} from "../src/classifier/similarity/index.js";
import { clipOutputs } from "../src/training/embedding/dump.js";
import { DATA_DIR } from "./audio-helpers.js";
import { readModelReference } from "./helpers/model-references.js";

const cosine = (a: Float32Array, b: Float32Array) => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] as number) * (b[i] as number);
    na += (a[i] as number) ** 2;
    nb += (b[i] as number) ** 2;
  }
  return dot / Math.sqrt(na * nb);
};

async function embed(file: string): Promise<Float32Array> {
  const transform = await loadSimilarityTransform();
  const { dense } = await clipOutputs(new Uint8Array(readFileSync(path.join(DATA_DIR, "emotify", file))));
  return similarityEmbedding(transform, dense);
}

describe("similarity embedding v2 (models/embedding/similarity-v2.json)", () => {
  it("is compact: at most 64 float32 dimensions, ≤ 256 bytes a track", async () => {
    const transform = await loadSimilarityTransform();
    expect(embeddingSize(transform)).toBeLessThanOrEqual(64);
    const e = similarityEmbedding(transform, readModelReference("rock-1").musicnn.MSD_musicnn.dense_mean);
    expect(e).toHaveLength(embeddingSize(transform));
    expect(e.byteLength).toBeLessThanOrEqual(256);
    expect(e.every(Number.isFinite)).toBe(true);
  });

  it("from the audio file equals, to 1e-3, the embedding of the reference clip's dense_mean", async () => {
    const transform = await loadSimilarityTransform();
    const fromReference = similarityEmbedding(
      transform,
      readModelReference("rock-1").musicnn.MSD_musicnn.dense_mean,
    );
    const fromFile = await embed("rock/1.mp3");
    for (let i = 0; i < fromFile.length; i++)
      expect(Math.abs((fromFile[i] as number) - (fromReference[i] as number))).toBeLessThan(1e-3);
  });

  it("puts two held-out rock clips nearer each other than either is to held-out classical", async () => {
    const [rockA, rockB, classical] = await Promise.all(
      ["rock/61.mp3", "rock/62.mp3", "classical/61.mp3"].map(embed),
    );
    const same = cosine(rockA as Float32Array, rockB as Float32Array);
    expect(same).toBeGreaterThan(cosine(rockA as Float32Array, classical as Float32Array));
    expect(same).toBeGreaterThan(cosine(rockB as Float32Array, classical as Float32Array));
  });

  it("refuses a vector that is not musicnn's 200-d dense layer", async () => {
    const transform = await loadSimilarityTransform();
    expect(() => similarityEmbedding(transform, new Float32Array(50))).toThrow(/200/);
  });
});

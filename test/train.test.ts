import { copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeAudio } from "../src/classifier/analyze.js";
import { FEATURE_NAMES } from "../src/classifier/features/index.js";
import { loadGenreModel, saveGenreModel } from "../src/classifier/model/store.js";
import { analysisVersion } from "../src/classifier/version.js";
import { folderCandidate } from "../src/training/candidates.js";
import { readFeatureCsv } from "../src/training/dataset/csv.js";
import { trainWithSelection } from "../src/training/recipe.js";
import { genrebot } from "./helpers/genrebot.js";

const DATA = path.resolve(import.meta.dirname, "../../shared/data");

/** The real CLI in a child process. */
const cli = (...args: string[]) => genrebot(args);

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "genrebot-train-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("genrebot train <dir of label folders>", () => {
  it("trains a loadable model with exactly those labels", async () => {
    const input = path.join(tmp, "labels");
    for (const label of ["classical", "rock"]) {
      await mkdir(path.join(input, label), { recursive: true });
      for (const id of [1, 2, 3]) {
        await copyFile(path.join(DATA, "emotify", label, `${id}.mp3`), path.join(input, label, `${id}.mp3`));
      }
    }
    const out = path.join(tmp, "model");
    const { code, stdout, stderr } = await cli("train", input, "--out", out, "--epochs", "20");
    expect(code, stderr).toBe(0);
    expect(stderr).toContain("extracting features: 6/6 (100%)");
    expect(stdout).toContain("(classical, rock)");

    expect(stderr).toContain("listening with musicnn and YAMNet: 6/6 (100%)");
    expect(stdout).toMatch(/held-out accuracy [\d.]+% \(the 57 features alone: [\d.]+%\)/);

    const model = await loadGenreModel(out);
    expect(model.labels).toEqual(["classical", "rock"]);
    // It answers from musicnn's embedding + the features, over the user's own labels only.
    expect(model.heard?.head.labels).toEqual(["classical", "rock"]);
    expect(model.heard?.head.blocks).toEqual(["dense", "features"]);
    expect(model.heard?.mapping).toEqual({});
    expect(stdout).toContain(model.version);
    const card = await readFile(path.join(out, "README.md"), "utf8");
    expect(card).toContain(model.version);
    const metrics = JSON.parse(await readFile(path.join(out, "metrics.json"), "utf8"));
    expect(metrics.labels).toEqual(["classical", "rock"]);

    const analysis = await analyzeAudio(await readFile(path.join(DATA, "emotify/rock/4.mp3")), {
      modelDir: out,
    });
    expect(analysis.genres.map((g) => g.genre).sort()).toEqual(["classical", "rock"]);
    expect(analysis.genres[0]?.genre).toBe("rock");
    // With the user's labels only, the fused answer is the embedding head's.
    analysis.genres.forEach((g, i) => {
      expect(g.genre).toBe(analysis.experts?.heard[i]?.genre);
      expect(g.probability).toBeCloseTo(analysis.experts?.heard[i]?.probability ?? -1, 4);
    });
    // Records made with it carry the version of everything that made them: this model, musicnn and
    // the similarity transform.
    expect(analysis.modelVersion).toBe(await analysisVersion(out));
    expect(analysis.modelVersion).not.toBe(model.version);
  }, 300_000);

  it("refuses a folder with fewer than two labels, in plain words", async () => {
    const input = path.join(tmp, "one-label");
    await mkdir(path.join(input, "rock"), { recursive: true });
    await copyFile(path.join(DATA, "emotify/rock/1.mp3"), path.join(input, "rock", "1.mp3"));
    const { code, stderr } = await cli("train", input, "--out", path.join(tmp, "never"));
    expect(code).toBe(1);
    expect(stderr).toContain("at least two label folders");
  }, 60_000);

  it("requires --out", async () => {
    const { code, stderr } = await cli("train", tmp);
    expect(code).toBe(2);
    expect(stderr).toContain("--out");
  }, 60_000);
});

describe("the training recipe", () => {
  it("is reproducible: the same data and seed give byte-identical model files", async () => {
    const rows = (await readFeatureCsv(path.join(DATA, "gtzan/features_30_sec.csv"))).filter((r) =>
      ["blues", "classical", "metal"].includes(r.label),
    );
    const examples = rows.map((r) => ({ features: r.features, label: r.label }));
    const train = examples.filter((_, i) => rows[i]?.split === "train");
    const valid = examples.filter((_, i) => rows[i]?.split === "valid");
    const labels = ["blues", "classical", "metal"];
    const files: Buffer[][] = [];
    for (const attempt of ["a", "b"]) {
      const trained = await trainWithSelection({
        labels,
        train,
        valid,
        candidates: [folderCandidate(FEATURE_NAMES, 15)],
      });
      const dir = path.join(tmp, `repro-${attempt}`);
      await saveGenreModel(dir, trained.network, trained.scaler, labels);
      trained.network.dispose();
      files.push(
        await Promise.all(
          ["model.json", "weights.bin", "scaler.json"].map((f) => readFile(path.join(dir, f))),
        ),
      );
      // Held-out accuracy on three very different genres is well above chance (1/3).
      expect(trained.selection[0]?.validAccuracy).toBeGreaterThan(0.6);
    }
    expect(files[1]).toEqual(files[0]);
  }, 300_000);
});

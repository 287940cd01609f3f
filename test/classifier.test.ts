import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AudioError } from "../src/audio/index.js";
import { type AnalyzerPool, analyzeAudio, createAnalyzerPool } from "../src/classifier/index.js";
import { analysisVersion } from "../src/classifier/version.js";
import { DEFAULT_MODEL_DIR } from "../src/config.js";
import { genrebot } from "./helpers/genrebot.js";

const DATA = path.resolve(import.meta.dirname, "../../shared/data");

/** The real CLI in a child process. */
const cli = (...args: string[]) => genrebot(args);

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), "genrebot-classifier-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("analyzer pool", () => {
  let pool: AnalyzerPool;
  beforeAll(() => {
    pool = createAnalyzerPool({ size: 2 });
  });
  afterAll(async () => {
    await pool.close();
  });

  it("answers concurrent analyses like the in-process core, and survives a bad input", async () => {
    const files = ["emotify/rock/1.mp3", "emotify/classical/1.mp3", "gtzan/audio/metal/metal.00000.wav"];
    const bytes = await Promise.all(files.map((f) => readFile(path.join(DATA, f))));
    const [pooled, failure] = await Promise.all([
      Promise.all(bytes.map((b) => pool.analyze(b))),
      pool.analyze(new TextEncoder().encode("definitely not an mp3")).catch((error: unknown) => error),
    ]);
    expect(failure).toBeInstanceOf(AudioError);
    expect((failure as AudioError).code).toBe("not-audio");
    const direct = await analyzeAudio(bytes[0] as Uint8Array);
    expect(pooled[0]?.genres).toEqual(direct.genres);
    expect(Array.from(pooled[0]?.embedding ?? [])).toEqual(Array.from(direct.embedding));
    expect(new Set(pooled.map((a) => a.genres[0]?.genre)).size).toBeGreaterThan(1);
    // Still usable after the failure, and the caller's bytes were not taken away by the transfer.
    expect(bytes[2]?.byteLength).toBeGreaterThan(0);
    const again = await pool.analyze(bytes[2] as Uint8Array);
    expect(again.genres).toEqual(pooled[2]?.genres);
    expect(await pool.modelVersion()).toBe(await analysisVersion(DEFAULT_MODEL_DIR));
  }, 300_000);

  it("refuses work after close", async () => {
    const closing = createAnalyzerPool({ size: 1 });
    await closing.close();
    await expect(closing.analyze(new Uint8Array(10))).rejects.toThrow(/closed/);
  });
});

describe("genrebot classify", () => {
  it("prints genre bars, the timeline and the model version", async () => {
    const { code, stdout } = await cli("classify", path.join(DATA, "emotify/rock/1.mp3"));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}\w+ +█+.* +\d+%$/m);
    expect(stdout).toContain("Timeline (musicnn's 3 s patches)");
    // musicnn's notable tags for this clip (rock 55 %, classic rock 15 %, alternative 12 % in the reference).
    expect(stdout).toMatch(/^Sounds like: rock \d+% · classic rock \d+% · alternative \d+%$/m);
    expect(stdout.match(/^ {2}\d:\d\d–\d:\d\d/gm)).toHaveLength(10);
    expect(stdout).toMatch(/From the 57 features: \w+ · from the pretrained networks: \w+/);
    expect(stdout).toContain(`model ${await analysisVersion(DEFAULT_MODEL_DIR)}`);
  }, 120_000);

  it("--json prints the whole analysis with the embedding as an array", async () => {
    const { code, stdout } = await cli(
      "classify",
      path.join(DATA, "gtzan/audio/jazz/jazz.00000.wav"),
      "--json",
    );
    expect(code).toBe(0);
    const analysis = JSON.parse(stdout);
    expect(analysis.genres).toHaveLength(11);
    expect(Array.isArray(analysis.embedding)).toBe(true);
    expect(analysis.timeline.length).toBeGreaterThan(0);
    expect(Object.keys(analysis.features)).toHaveLength(57);
  }, 120_000);

  it("explains a corrupt file in plain words and exits 1", async () => {
    const corrupt = path.join(tmp, "corrupt.mp3");
    const mp3 = await readFile(path.join(DATA, "emotify/rock/1.mp3"));
    await writeFile(
      corrupt,
      Buffer.concat([Buffer.from("this is not audio at all "), mp3.subarray(5000, 9000)]),
    );
    const { code, stderr, stdout } = await cli("classify", corrupt);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    // One friendly sentence naming the problem, nothing from the inside of the program.
    expect(stderr).toMatch(/^genrebot classify: That file is .+\.\n$/);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it("rejects a missing argument as a usage error", async () => {
    const { code, stderr } = await cli("classify");
    expect(code).toBe(2);
    expect(stderr).toContain("Usage: genrebot classify");
  }, 60_000);
});

describe("genrebot evaluate", () => {
  it("--features on GTZAN valid prints accuracy and a confusion matrix and writes a PNG", async () => {
    const png = path.join(tmp, "eval.png");
    const { code, stdout } = await cli(
      "evaluate",
      "--features",
      path.join(DATA, "gtzan/features_30_sec.csv"),
      "--split",
      "valid",
      "--png",
      png,
    );
    expect(code).toBe(0);
    const accuracy = Number(/Accuracy: ([\d.]+)% \(197 clips\)/.exec(stdout)?.[1]);
    // The shipped model was trained on these clips too, so it must do far better than chance.
    expect(accuracy).toBeGreaterThan(50);
    expect(stdout).toContain("Confusion matrix");
    expect(stdout).toContain(png);
    const bytes = await readFile(png);
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  }, 120_000);

  it("<folder> runs the full model on audio and shows each expert beside the fused one", async () => {
    const png = path.join(tmp, "wavs.png");
    // ../shared/data/gtzan/audio is <genre>/<genre>.00000.wav: one clip of each GTZAN genre.
    const { code, stdout } = await cli("evaluate", path.join(DATA, "gtzan/audio"), "--png", png);
    expect(code).toBe(0);
    const experts =
      /Expert A \(57 features\) ([\d.]+)% · expert B \(pretrained networks\) ([\d.]+)% · fused ([\d.]+)%/.exec(
        stdout,
      );
    expect(experts).not.toBeNull();
    // The model card measures 8 of 10 fused; 7 leaves room for a retrained model (chance is 1 in 11).
    expect(Number(experts?.[3])).toBeGreaterThanOrEqual(70);
    expect(stdout).toContain("Accuracy: ");
    expect(stdout).toContain("(10 clips)");
    const bytes = await readFile(png);
    expect([...bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  }, 300_000);

  it("--json gives per-genre precision, recall and F1", async () => {
    const { code, stdout } = await cli(
      "evaluate",
      "--features",
      path.join(DATA, "emotify/librosa_reference.csv"),
      "--json",
      "--png",
      path.join(tmp, "emotify.png"),
    );
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.count).toBe(320);
    const rock = result.perClass.find((c: { label: string }) => c.label === "rock");
    expect(rock.support).toBe(80);
    expect(rock.f1).toBeGreaterThan(0);
    const total = result.confusion.flat().reduce((a: number, b: number) => a + b, 0);
    expect(total).toBe(320);
  }, 120_000);
});

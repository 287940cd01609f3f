import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATA_DIR } from "./audio-helpers.js";
import { lyingLengthWav, repeatedFrameMp3, writeBombs } from "./helpers/bombs.js";
import { genrebotMeasured, runMeasured } from "./helpers/measured.js";

/**
 * Issue 9, items 1–5 and 10: files a member can send that used to take the process down (23 GB,
 * 8 GB, 9.5 GB…) or were judged by a lying header. Each is built here, written to a temporary
 * folder and given to the real `genrebot classify` in a child process, whose peak RSS is read at
 * exit (a guard kills it past 1.5 GB, so an uncontained bomb fails the test, not the machine).
 */
const CEILING_MB = 400;
const ONE_SENTENCE = /^genrebot classify: [^\n]+\.\n$/;

let dir: string;
const file = (name: string) => path.join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "genrebot-bombs-"));
  writeBombs(dir);
  writeFileSync(file("lying-length.wav"), lyingLengthWav());
  writeFileSync(file("ten-minutes-ten.mp3"), repeatedFrameMp3(610));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function refusal(name: string): Promise<string> {
  const run = await genrebotMeasured(["classify", file(name)]);
  expect(run.killed, `${name}: ${run.killed}`).toBeUndefined();
  expect(run.peakRssMb, `${name}: peak RSS`).toBeLessThanOrEqual(CEILING_MB);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(ONE_SENTENCE);
  return run.stderr;
}

describe("memory bombs are refused in one plain sentence within 400 MB (issue 9, items 1–5)", () => {
  it("1. a GTZAN WAV re-tagged IMA or MS ADPCM with a 16-byte fmt chunk is refused as damaged", async () => {
    for (const name of ["ima-adpcm.wav", "ms-adpcm.wav"]) {
      expect(await refusal(name)).toMatch(/damaged or incomplete/);
    }
  });

  it("2. a WAV claiming 65 535 channels is refused from its header", async () => {
    expect(await refusal("65535-channels.wav")).toMatch(/65535 channels; I can listen to at most 8/);
  });

  it("3. FLAC: 7.1 at 384 kHz, four hours of stereo, and frames of 65 535 samples with no declared total", async () => {
    expect(await refusal("384k-7.1.flac")).toMatch(/sampled at 384 kHz; I can listen to at most 192 kHz/);
    expect(await refusal("four-hours.flac")).toMatch(/240 minutes long; I can listen to at most 10 minutes/);
    expect(await refusal("undeclared.flac")).toMatch(/40 minutes long; I can listen to at most 10 minutes/);
  });

  it("4. an M4A whose index, after the audio, declares three hours is refused before decoding", async () => {
    expect(await refusal("late-index.m4a")).toMatch(/180 minutes long; I can listen to at most 10 minutes/);
  });

  it("5. 1.9 GB and 3 GB files are read only up to the 25 MB cap", async () => {
    for (const name of ["1.9GB.wav", "3GB.wav"]) {
      expect(await refusal(name)).toMatch(/over 25 MB, the most I can take/);
    }
  });

  it("through the analyzer pool (the bot's path) every bomb is one refused job, and the next clip is heard", async () => {
    const bombs = [
      "ima-adpcm.wav",
      "65535-channels.wav",
      "384k-7.1.flac",
      "undeclared.flac",
      "late-index.m4a",
    ];
    const clip = path.join(DATA_DIR, "gtzan/audio/blues/blues.00000.wav");
    const run = await runMeasured([
      "--import",
      "tsx",
      path.join(import.meta.dirname, "helpers/analyze-in-pool.ts"),
      ...bombs.map(file),
      clip,
    ]);
    expect(run.killed).toBeUndefined();
    const results = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    // The bombs come first: the process's peak up to the last of them is what they cost. (The real
    // clip after them loads YAMNet, musicnn and the genre model, ~430 MB on their own.)
    expect(results.at(-2).peakMb).toBeLessThanOrEqual(CEILING_MB);
    expect(results.map((r) => r.ok)).toEqual([false, false, false, false, false, true]);
    for (const refused of results.slice(0, -1)) expect(refused.friendly).toBe(true);
    expect(results.at(-1).genre).toBe("blues");
  });
});

describe("lengths are judged on the audio present, never in a self-contradicting message (item 10)", () => {
  it("a 30 s WAV whose header claims ~2 GB of data is heard as the 30 s it holds", async () => {
    const run = await genrebotMeasured(["classify", file("lying-length.wav"), "--json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).durationSeconds).toBeCloseTo(30, 0);
  });

  it("an MP3 just over 10 minutes is not called “10 minutes long” beside “at most 10 minutes”", async () => {
    const message = await refusal("ten-minutes-ten.mp3");
    expect(message).toMatch(/is 10 minutes \d+ seconds long; I can listen to at most 10 minutes\./);
  });
});

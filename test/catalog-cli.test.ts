import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as index from "../src/cli/index-command.js";
import * as similar from "../src/cli/similar.js";
import { DEFAULT_MODEL_DIR } from "../src/config.js";
import { UsageError } from "../src/errors.js";
import { genrebot } from "./helpers/genrebot.js";

/** `genrebot index` and `genrebot similar` as a person runs them: a real process, real files. */
const EMOTIFY = path.resolve(import.meta.dirname, "../../shared/data/emotify");
const hasModel = existsSync(path.join(DEFAULT_MODEL_DIR, "model.json"));
const dir = mkdtempSync(path.join(os.tmpdir(), "genrebot-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("genrebot index / similar with bad input", () => {
  it.each([
    ["similar", [], /Name one audio file/, similar],
    ["similar", ["--k", "0", "x.mp3"], /--k needs a whole number/, similar],
    ["similar", ["--bogus", "x.mp3"], /Unknown option: --bogus/, similar],
    [
      "similar",
      [path.join(dir, "missing.mp3")],
      /neither an existing audio file nor a Spotify track link/,
      similar,
    ],
    ["similar", ["https://open.spotify.com/album/4aawyAB9vmqN3uQ7FjRGTy"], /album or playlist/, similar],
    ["index", [], /Name one Spotify playlist or album link/, index],
    ["index", ["https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC"], /single track/, index],
    [
      "index",
      [path.join(dir, "no-such-folder")],
      /neither a Spotify playlist\/album link nor an existing folder/,
      index,
    ],
  ])("genrebot %s %j is a usage error", async (_name, args, message, command) => {
    const failure = await command.run(args).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UsageError);
    expect((failure as Error).message).toMatch(message);
  });

  it("says so when a folder holds no audio", async () => {
    const empty = path.join(dir, "empty");
    mkdirSync(empty, { recursive: true });
    await expect(index.run([empty])).rejects.toThrow(/There are no audio files/);
  });

  it("exits 2 with the usage line from the real CLI", async () => {
    const { code, stderr } = await genrebot(["similar", "--k", "many", "x.mp3"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--k needs a whole number from 1 to 100 \(got many\)/);
    expect(stderr).toMatch(/Usage: genrebot similar/);
  });
});

describe.skipIf(!hasModel)("genrebot index / similar on real clips (needs models/genre)", () => {
  const storeUrl = `sqlite://${path.join(dir, "catalog.sqlite")}`;
  const folder = path.join(dir, "clips");
  const clips = ["classical", "electronic", "pop", "rock"].flatMap((genre) =>
    [1].map((id) => ({
      genre,
      source: path.join(EMOTIFY, genre, `${id}.mp3`),
      name: `${genre}-${id}.mp3`,
    })),
  );

  // Three CLI start-ups and five real analyses: minutes on a busy shared machine.
  it("indexes a folder, resumes without redoing work, and lists neighbours", {
    timeout: 600_000,
  }, async () => {
    mkdirSync(folder, { recursive: true });
    for (const clip of clips) copyFileSync(clip.source, path.join(folder, clip.name));

    const first = await genrebot(["index", folder], { STORE_URL: storeUrl });
    expect(first.stderr).toContain(`indexing tracks: ${clips.length}/${clips.length} (100%)`);
    expect(first.stdout).toMatch(new RegExp(`${clips.length} newly indexed, 0 already indexed`));
    expect(first.stdout).toMatch(new RegExp(`catalog now holds ${clips.length} tracks`));
    expect(first.code).toBe(0);

    const again = await genrebot(["index", folder], { STORE_URL: storeUrl });
    expect(again.stdout).toMatch(new RegExp(`0 newly indexed, ${clips.length} already indexed`));
    expect(again.code).toBe(0);

    const query = path.join(folder, "rock-1.mp3");
    const similar = await genrebot(["similar", query, "--k", "3"], { STORE_URL: storeUrl });
    expect(similar.code).toBe(0);
    const lines = similar.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^rock-1 {2}\(\w+ \d+%\)$/);
    const rows = lines.filter((line) => /^\s+\d+ {2}-?\d\.\d{3} {2}/.test(line));
    expect(rows).toHaveLength(3);
    // The query itself (same bytes, same id) is never its own neighbour.
    expect(rows.some((row) => / rock-1 /.test(row))).toBe(false);
  });
});

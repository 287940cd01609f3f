import { describe, expect, it } from "vitest";
import { genrebot } from "./helpers/genrebot.js";

const SUBCOMMANDS = ["classify", "features", "train", "evaluate", "index", "similar", "bench"];

describe("genrebot command line", () => {
  it("--help lists every subcommand and exits 0", async () => {
    const result = await genrebot(["--help"]);
    expect(result.code).toBe(0);
    for (const name of SUBCOMMANDS) expect(result.stdout).toMatch(new RegExp(`^ {2}${name} `, "m"));
  });

  it.each([[["frobnicate"]], [[]]])("%j prints usage and exits 2", async (args) => {
    const result = await genrebot(args);
    expect(result.code).toBe(2);
    expect(`${result.stdout}${result.stderr}`).toContain("Usage: genrebot <command>");
  });

  it("a bad argument to a subcommand prints that subcommand's usage and exits 2", async () => {
    const result = await genrebot(["classify"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Name an audio file to classify.");
    expect(result.stderr).toContain("Usage: genrebot classify");
  });

  it("bench runs the benchmark runner, which names its areas when given an unknown one", async () => {
    const result = await genrebot(["bench", "nosuch"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown benchmark: nosuch. Choose from audio, features");
  });
});

import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/config.js";

/** The installed `genrebot` command, as `npx genrebot` runs it. */
function genrebot(args: string[]) {
  return spawnSync(process.execPath, [path.join(PROJECT_ROOT, "bin", "genrebot.js"), ...args], {
    encoding: "utf8",
    timeout: 60_000,
  });
}

const SUBCOMMANDS = ["classify", "features", "train", "evaluate", "index", "similar", "bench"];

describe("genrebot command line", () => {
  it("--help lists every subcommand and exits 0", () => {
    const result = genrebot(["--help"]);
    expect(result.status).toBe(0);
    for (const name of SUBCOMMANDS) expect(result.stdout).toMatch(new RegExp(`^ {2}${name} `, "m"));
  });

  it.each([[["frobnicate"]], [[]]])("%j prints usage and exits 2", (args) => {
    const result = genrebot(args);
    expect(result.status).toBe(2);
    expect(`${result.stdout}${result.stderr}`).toContain("Usage: genrebot <command>");
  });

  it("a bad argument to a subcommand prints that subcommand's usage and exits 2", () => {
    const result = genrebot(["classify"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Name an audio file to classify.");
    expect(result.stderr).toContain("Usage: genrebot classify");
  });
});

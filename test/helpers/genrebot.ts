import { execFile } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "bin", "genrebot.js");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The real `genrebot` command in a child process, as `npx genrebot` runs it; resolves with its exit
 * code and output either way. Warnings only, so stdout is the command's own output.
 */
export function genrebot(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: { ...process.env, LOG_LEVEL: "warn", ...env },
        cwd: ROOT,
        timeout: 600_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

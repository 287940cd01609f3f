import { execFile, spawn } from "node:child_process";
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

/**
 * The real `genrebot` command, started so a test can act while it runs (kill its store when the
 * progress lines say so). `waitFor` resolves once stderr matches; `done` resolves at exit.
 */
export function spawnGenrebot(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { waitFor(pattern: RegExp): Promise<void>; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const waiters: Array<{ pattern: RegExp; resolve(): void }> = [];
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const waiter of waiters.filter((w) => w.pattern.test(stderr))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  const done = new Promise<CliResult>((resolve) => {
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
  return {
    waitFor: (pattern) =>
      pattern.test(stderr) ? Promise.resolve() : new Promise((resolve) => waiters.push({ pattern, resolve })),
    done,
  };
}

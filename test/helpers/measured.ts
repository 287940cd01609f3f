import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
const REPORTER = path.join(import.meta.dirname, "report-peak-rss.mjs");
export const GENREBOT_BIN = path.join(ROOT, "bin", "genrebot.js");

export interface Measured {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak RSS of the whole process in MB, as the process itself reported it at exit. */
  peakRssMb: number;
  /** User + system CPU time of the process, as it reported it at exit (NaN if it was killed). */
  cpuMs: number;
  /** Wall time from spawn to exit. */
  wallMs: number;
  /** Set when the guard below had to kill the child: the input was not contained. */
  killed?: string;
}

/** Past this the child is killed, so a bomb that is not contained costs the test, not the machine. */
const KILL_ABOVE_MB = 1500;
const KILL_AFTER_MS = 120_000;

/**
 * Runs `node <args>` in a child process with the peak-RSS reporter preloaded, watching its memory
 * from /proc so a runaway child (today's main on a memory bomb: 23 GB) is killed at 1.5 GB.
 */
export function runMeasured(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Measured> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["--import", REPORTER, ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let killed: string | undefined;
    let observedMb = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const kill = (why: string) => {
      killed ??= why;
      child.kill("SIGKILL");
    };
    const watch = setInterval(() => {
      observedMb = Math.max(observedMb, residentMb(child.pid));
      if (observedMb > KILL_ABOVE_MB) kill(`over ${KILL_ABOVE_MB} MB`);
    }, 20);
    const deadline = setTimeout(() => kill(`still running after ${KILL_AFTER_MS / 1000} s`), KILL_AFTER_MS);
    child.on("close", (code) => {
      clearInterval(watch);
      clearTimeout(deadline);
      const reported = /peak-rss-mb (\d+) cpu-ms (\d+)/.exec(stderr);
      resolve({
        code,
        stdout,
        stderr: stderr.replace(/\n?peak-rss-mb \d+ cpu-ms \d+\n/, ""),
        peakRssMb: reported ? Number(reported[1]) : observedMb,
        cpuMs: reported ? Number(reported[2]) : Number.NaN,
        wallMs: performance.now() - started,
        ...(killed ? { killed } : {}),
      });
    });
  });
}

/** The real `genrebot` command, measured. */
export function genrebotMeasured(args: string[], env?: NodeJS.ProcessEnv): Promise<Measured> {
  return runMeasured([GENREBOT_BIN, ...args], env);
}

function residentMb(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0; // already gone
  }
}

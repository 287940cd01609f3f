import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * `genrebot bench [area…]`: the same runner as `npm run bench`. The benchmarks drive the test fakes,
 * so they live in bench/ beside the tests and src never imports them; this runs them as their own
 * process instead.
 */
export async function run(args: string[]): Promise<number> {
  const runner = fileURLToPath(new URL("../../bench/main.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", runner, ...args], { stdio: "inherit" });
  return await new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

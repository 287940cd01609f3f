import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Two cores: run test files in forks (tfjs-wasm and native addons are not worker-safe) and
    // give real audio decoding, training and the fake Discord round-trips room to finish.
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

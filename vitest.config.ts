import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Two cores: run test files in forks (tfjs-wasm and native addons are not worker-safe) and
    // give real audio decoding, training and the fake Discord round-trips room to finish.
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    // Test output is test names and results: logs are silent unless a test asserts on them
    // (those make their own logger), or LOG_LEVEL is set to look at them.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? "silent" },
    hookTimeout: 60_000,
  },
});

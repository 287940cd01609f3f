#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so `npx genrebot` works straight after `npm ci`
// without a build step.
import { register } from "tsx/esm/api";

// At a terminal only warnings and errors are worth a log line; LOG_LEVEL=info shows the rest.
process.env.LOG_LEVEL ??= "warn";
register();
await import("../src/cli/main.ts");

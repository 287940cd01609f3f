#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so `npx genrebot` works straight after `npm ci`
// without a build step.
import { register } from "tsx/esm/api";

// At a terminal the commands print their own plain lines, failures and their reasons included;
// only errors (bugs) add a JSON log line. LOG_LEVEL=warn, info or debug shows the logs.
process.env.LOG_LEVEL ??= "error";
register();
await import("../src/cli/main.ts");

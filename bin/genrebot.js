#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx, so `npx genrebot` works straight after `npm ci`
// without a build step.
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");

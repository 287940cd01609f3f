import { type ResourceLimits, Worker } from "node:worker_threads";

/**
 * Starts a worker thread running a TypeScript module. `execArgv: ["--import", "tsx"]` does not
 * register tsx inside workers on Node 20 (".ts" is rejected as an unknown extension), so a tiny
 * bootstrap registers tsx's ESM hooks in the worker itself and then imports the module.
 */
export function startTsWorker(module: URL, resourceLimits?: ResourceLimits): Worker {
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module.href)}); });`;
  return new Worker(bootstrap, { eval: true, ...(resourceLimits ? { resourceLimits } : {}) });
}

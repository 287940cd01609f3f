import { createRequire } from "node:module";
import path from "node:path";
import { log } from "../log.js";

/** The TensorFlow.js API, whichever package provided it (tfjs-node re-exports all of tfjs). */
export type Tf = typeof import("@tensorflow/tfjs");
export type TfBackendName = "tensorflow" | "wasm" | "cpu";

const require = createRequire(import.meta.url);
let loading: Promise<{ tf: Tf; backend: TfBackendName }> | undefined;

async function tryTfjsNode(): Promise<Tf | undefined> {
  try {
    // Optional dependency: its install downloads libtensorflow, which fails on machines without
    // internet access; then this import throws and we fall back.
    const name = "@tensorflow/tfjs-node";
    return (await import(name)) as Tf;
  } catch {
    return undefined;
  }
}

async function tryWasm(tf: Tf): Promise<boolean> {
  try {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    // Load the .wasm binaries that ship inside the package, never from a CDN.
    const distDir = path.dirname(
      require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"),
    );
    wasm.setWasmPaths(`${distDir}${path.sep}`);
    return await tf.setBackend("wasm");
  } catch (error) {
    log.warn({ err: error }, "tfjs wasm backend unavailable");
    return false;
  }
}

async function load(): Promise<{ tf: Tf; backend: TfBackendName }> {
  const native = await tryTfjsNode();
  if (native) {
    await native.ready();
    log.debug({ backend: "tensorflow" }, "TensorFlow backend: tfjs-node (native libtensorflow)");
    return { tf: native, backend: "tensorflow" };
  }
  const tf = await import("@tensorflow/tfjs");
  if (await tryWasm(tf)) {
    await tf.ready();
    log.debug({ backend: "wasm" }, "TensorFlow backend: wasm (tfjs-node not installed)");
    return { tf, backend: "wasm" };
  }
  await tf.setBackend("cpu");
  await tf.ready();
  log.debug({ backend: "cpu" }, "TensorFlow backend: plain JavaScript cpu (slowest)");
  return { tf, backend: "cpu" };
}

/**
 * TensorFlow.js with the fastest backend this machine has: tfjs-node, else wasm, else cpu.
 * Loaded once per process (or worker thread) and logged once.
 */
export function loadTf(): Promise<{ tf: Tf; backend: TfBackendName }> {
  loading ??= load();
  return loading;
}

import { readFileSync } from "node:fs";

// TypeScript's ES libraries leave WebAssembly to the DOM library; these are the parts used here.
declare global {
  namespace WebAssembly {
    class Module {
      constructor(bytes: Uint8Array);
    }
    class Instance {
      constructor(module: Module);
      readonly exports: Record<string, unknown>;
    }
    interface Memory {
      readonly buffer: ArrayBuffer;
      grow(pages: number): number;
    }
  }
}

const PAGE = 65536;

const compiled = new Map<string, WebAssembly.Module>();
const kept = new Map<string, object>();
/** Memory an idle instance may keep for the next call: what a 30 s clip needs, with room to spare. */
const KEPT_BYTES = 64 * 1024 * 1024;

function instantiate(url: URL): object {
  let module = compiled.get(url.href);
  if (!module) {
    module = new WebAssembly.Module(readFileSync(url));
    compiled.set(url.href, module);
  }
  return new WebAssembly.Instance(module).exports;
}

/**
 * One of the project's hand-written WebAssembly modules (a .wasm beside its .wat source; compiled
 * once per process, synchronously: they are a few kilobytes and import nothing), for one job:
 * `job` gets the module's exports and its memory may grow as it needs. Afterwards the instance is
 * kept for the next job if its memory stayed within KEPT_BYTES (warm pages, no page faults), and
 * dropped otherwise, so one long file does not leave the heap grown for good.
 */
export function withWasm<Exports extends { memory: WebAssembly.Memory }, T>(
  url: URL,
  job: (exports: Exports) => T,
): T {
  const exports = (kept.get(url.href) ?? instantiate(url)) as Exports;
  kept.delete(url.href);
  const result = job(exports);
  if (exports.memory.buffer.byteLength <= KEPT_BYTES) kept.set(url.href, exports);
  return result;
}

/** A module whose instance lives as long as the process (its memory stays small). */
export function loadWasm<Exports extends { memory: WebAssembly.Memory }>(url: URL): Exports {
  return instantiate(url) as Exports;
}

/** Grows `memory` to at least `bytes` (growing detaches earlier views of its buffer). */
export function reserve(memory: WebAssembly.Memory, bytes: number): ArrayBuffer {
  const missing = Math.ceil(bytes / PAGE) - memory.buffer.byteLength / PAGE;
  if (missing > 0) memory.grow(missing);
  return memory.buffer;
}

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

/**
 * One of the project's hand-written WebAssembly modules (a .wasm beside its .wat source),
 * compiled and instantiated synchronously: they are a few kilobytes, import nothing and export
 * their memory.
 */
export function loadWasm<Exports extends { memory: WebAssembly.Memory }>(url: URL): Exports {
  return new WebAssembly.Instance(new WebAssembly.Module(readFileSync(url))).exports as unknown as Exports;
}

/** Grows `memory` to at least `bytes` (growing detaches earlier views of its buffer). */
export function reserve(memory: WebAssembly.Memory, bytes: number): ArrayBuffer {
  const missing = Math.ceil(bytes / PAGE) - memory.buffer.byteLength / PAGE;
  if (missing > 0) memory.grow(missing);
  return memory.buffer;
}

import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { reserve, withWasm } from "../src/audio/index.js";
import { assemble, WASM_SOURCES, wasmPathFor } from "../src/training/build-wasm.js";

describe("hand-written WebAssembly", () => {
  it.each(WASM_SOURCES.map((source) => path.basename(source)))(
    "%s: the committed .wasm is exactly what the source assembles to (npm run build:wasm)",
    async (name) => {
      const source = WASM_SOURCES.find((s) => path.basename(s) === name) as string;
      expect(Buffer.from(readFileSync(wasmPathFor(source)))).toEqual(Buffer.from(await assemble(source)));
    },
  );
});

describe("withWasm", () => {
  const url = new URL("../src/classifier/features/chroma.wasm", import.meta.url);
  type Exports = { memory: WebAssembly.Memory };

  it("keeps a module's warm memory for the next job, but not memory a long file grew past 64 MB", () => {
    const first = withWasm(url, (wasm: Exports) => {
      reserve(wasm.memory, 8 * 1024 * 1024);
      return wasm;
    });
    expect(withWasm(url, (wasm: Exports) => wasm)).toBe(first);
    withWasm(url, (wasm: Exports) => reserve(wasm.memory, 100 * 1024 * 1024));
    const after = withWasm(url, (wasm: Exports) => wasm);
    expect(after).not.toBe(first);
    expect(after.memory.buffer.byteLength).toBeLessThan(1024 * 1024);
  });
});

import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
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

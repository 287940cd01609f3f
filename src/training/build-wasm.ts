import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import wabt from "wabt";

/**
 * The WebAssembly modules written by hand in text form (.wat), each assembled into the .wasm
 * file beside it that the bot loads. `npm run build:wasm` rewrites them; a test checks that the
 * committed binaries are exactly what their sources assemble to.
 */
export const WASM_SOURCES = [
  path.resolve(import.meta.dirname, "../audio/fft.wat"),
  path.resolve(import.meta.dirname, "../audio/polyphase.wat"),
  path.resolve(import.meta.dirname, "../classifier/features/chroma.wat"),
  path.resolve(import.meta.dirname, "../classifier/features/median.wat"),
] as const;

/** The binary wabt's wat2wasm makes of one .wat file (SIMD enabled, no names section). */
export async function assemble(source: string): Promise<Uint8Array> {
  const toolkit = await wabt();
  const module = toolkit.parseWat(path.basename(source), readFileSync(source, "utf8"), { simd: true });
  try {
    module.validate();
    return module.toBinary({ log: false, write_debug_names: false }).buffer;
  } finally {
    module.destroy();
  }
}

export const wasmPathFor = (source: string) => source.replace(/\.wat$/, ".wasm");

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const source of WASM_SOURCES) {
    const binary = await assemble(source);
    writeFileSync(wasmPathFor(source), binary);
    console.log(`${path.relative(process.cwd(), wasmPathFor(source))}: ${binary.length} bytes`);
  }
}

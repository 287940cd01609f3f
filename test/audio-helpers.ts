import { readFileSync } from "node:fs";
import path from "node:path";

/** The read-only data set beside the repo (CI clones the repo with ../shared next to it). */
export const DATA_DIR = path.resolve(import.meta.dirname, "../../shared/data");

export function readData(relative: string): Uint8Array {
  return new Uint8Array(readFileSync(path.join(DATA_DIR, relative)));
}

/** The resampler test vector: 2 s of rock/1.mp3 as librosa sees it at 44.1 kHz and after resampling. */
export function resampleReference(): { input: Float32Array; output: Float32Array } {
  const json = JSON.parse(
    readFileSync(path.join(DATA_DIR, "emotify/resample_reference_rock1_2s.json"), "utf8"),
  );
  const floats = (base64: string): Float32Array => {
    const bytes = Buffer.from(base64, "base64");
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  };
  return { input: floats(json.input_44100), output: floats(json.output_22050) };
}

/** librosa's sample count at 22 050 Hz per file, from a reference CSV's `length` column. */
export function librosaLengths(csvRelative: string): Map<string, number> {
  const lines = readFileSync(path.join(DATA_DIR, csvRelative), "utf8").trim().split(/\r?\n/);
  const header = (lines[0] ?? "").split(",");
  const lengthColumn = header.indexOf("length");
  const labelColumn = header.indexOf("label");
  const lengths = new Map<string, number>();
  for (const line of lines.slice(1)) {
    const cells = line.split(",");
    const name = labelColumn >= 0 ? `${cells[labelColumn]}/${cells[0]}` : (cells[0] as string);
    lengths.set(name, Number(cells[lengthColumn]));
  }
  return lengths;
}

/** A 16-bit PCM WAV file; `claimedDataBytes` lets a test write a header that lies about the length. */
export function makeWav(sampleRate: number, channels: Float32Array[], claimedDataBytes?: number): Uint8Array {
  const frames = channels[0]?.length ?? 0;
  const blockAlign = 2 * channels.length;
  const dataBytes = frames * blockAlign;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  };
  ascii(0, "RIFF");
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, channels.length, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, 16, true);
  ascii(36, "data");
  view.setUint32(40, claimedDataBytes ?? dataBytes, true);
  for (let i = 0; i < frames; i++) {
    channels.forEach((channel, c) => {
      const value = Math.max(-32768, Math.min(32767, Math.round((channel[i] as number) * 32768)));
      view.setInt16(44 + i * blockAlign + 2 * c, value, true);
    });
  }
  return out;
}

export function sine(frequency: number, sampleRate: number, seconds: number, amplitude = 0.5): Float32Array {
  const n = Math.round(sampleRate * seconds);
  return Float32Array.from(
    { length: n },
    (_, i) => amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate),
  );
}

/** Deterministic PRNG (mulberry32) so fuzz cases are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

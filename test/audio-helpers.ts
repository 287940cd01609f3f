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

export type WavEncoding = "pcm16" | "pcm24" | "float32";

/** A PCM or float WAV file; `claimedDataBytes` lets a test write a header that lies about the length. */
export function makeWav(
  sampleRate: number,
  channels: Float32Array[],
  claimedDataBytes?: number,
  encoding: WavEncoding = "pcm16",
): Uint8Array {
  const frames = channels[0]?.length ?? 0;
  const bytesPerSample = encoding === "pcm16" ? 2 : encoding === "pcm24" ? 3 : 4;
  const blockAlign = bytesPerSample * channels.length;
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
  view.setUint16(20, encoding === "float32" ? 3 : 1, true);
  view.setUint16(22, channels.length, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, 8 * bytesPerSample, true);
  ascii(36, "data");
  view.setUint32(40, claimedDataBytes ?? dataBytes, true);
  for (let i = 0; i < frames; i++) {
    channels.forEach((channel, c) => {
      const at = 44 + i * blockAlign + bytesPerSample * c;
      const value = channel[i] as number;
      if (encoding === "float32") view.setFloat32(at, value, true);
      else if (encoding === "pcm16")
        view.setInt16(at, Math.max(-32768, Math.min(32767, Math.round(value * 32768))), true);
      else {
        const int24 = Math.max(-8388608, Math.min(8388607, Math.round(value * 8388608)));
        view.setUint16(at, int24 & 0xffff, true);
        view.setInt8(at + 2, int24 >> 16);
      }
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

/** The training code's seeded PRNG (mulberry32): the same cases on every run. */
export { seededRandom } from "../src/classifier/model/rng.js";

/**
 * A valid FLAC file with 16-bit VERBATIM subframes (no compression): enough to drive the real FLAC
 * decoder without an encoder installed. Block size 4096; the last frame carries its own size.
 */
export function makeFlac(sampleRate: number, channels: Float32Array[]): Uint8Array {
  const frames = channels[0]?.length ?? 0;
  const rateCode = FLAC_RATE_CODES[sampleRate];
  if (rateCode === undefined) throw new Error(`makeFlac: no frame-header code for ${sampleRate} Hz`);
  const bytes: number[] = [...Buffer.from("fLaC"), 0x80, 0, 0, 34]; // last metadata block: STREAMINFO
  const info = new BitWriter();
  info.write(4096, 16).write(4096, 16).write(0, 24).write(0, 24);
  info
    .write(sampleRate, 20)
    .write(channels.length - 1, 3)
    .write(15, 5);
  info.write(Math.floor(frames / 2 ** 32), 4).write(frames % 2 ** 32, 32);
  for (let i = 0; i < 16; i++) info.write(0, 8); // MD5 unknown
  bytes.push(...info.bytes);
  for (let start = 0, index = 0; start < frames; start += 4096, index++) {
    const size = Math.min(4096, frames - start);
    const frame = new BitWriter();
    frame
      .write(0xfff8, 16)
      .write(size === 4096 ? 12 : 7, 4)
      .write(rateCode, 4); // block size, rate codes
    frame
      .write(channels.length - 1, 4)
      .write(4, 3)
      .write(0, 1); // independent channels, 16 bits
    if (index >= 128) throw new Error("makeFlac: keep test files under 128 frames");
    frame.write(index, 8);
    if (size !== 4096) frame.write(size - 1, 16);
    frame.write(crc8(frame.bytes), 8);
    for (const channel of channels) {
      frame.write(0b00000010, 8); // VERBATIM subframe
      for (let i = start; i < start + size; i++) {
        const value = Math.max(-32768, Math.min(32767, Math.round((channel[i] as number) * 32768)));
        frame.write(value & 0xffff, 16);
      }
    }
    frame.write(crc16(frame.bytes), 16);
    bytes.push(...frame.bytes);
  }
  return Uint8Array.from(bytes);
}

const FLAC_RATE_CODES: Record<number, number> = {
  8000: 4,
  16000: 5,
  22050: 6,
  24000: 7,
  32000: 8,
  44100: 9,
  48000: 10,
};

export class BitWriter {
  readonly bytes: number[] = [];
  private current = 0;
  private filled = 0;

  write(value: number, bits: number): this {
    if (this.filled === 0 && bits % 8 === 0) {
      for (let b = bits - 8; b >= 0; b -= 8) this.bytes.push(Math.floor(value / 2 ** b) & 0xff);
      return this;
    }
    for (let b = bits - 1; b >= 0; b--) {
      this.current = (this.current << 1) | (Math.floor(value / 2 ** b) & 1);
      if (++this.filled === 8) {
        this.bytes.push(this.current);
        this.current = 0;
        this.filled = 0;
      }
    }
    return this;
  }
}

export function crc8(data: number[]): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

export function crc16(data: number[]): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

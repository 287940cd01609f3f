/**
 * WAV header parsing and PCM reading. librosa reads WAV through libsndfile, which scales integer
 * samples by a power of two (int16 / 32768). audio-decode divides positive samples by 32767
 * instead, which would move every GTZAN sample by up to 3e-5 relative, so plain PCM and float WAV
 * are read here; compressed WAV flavours (A-law, µ-law, ADPCM) are left to audio-decode.
 */

import { corrupt } from "./limits.js";

export interface WavHeader {
  formatTag: number;
  channels: number;
  sampleRate: number;
  byteRate: number;
  blockAlign: number;
  bitsPerSample: number;
  /** Size of the fmt chunk: ADPCM needs its 20-byte extension, which a 16-byte chunk lacks. */
  fmtBytes: number;
  /** ADPCM samples per block from the fmt extension, when the chunk has one. */
  samplesPerBlock?: number;
  dataStart: number;
  /** Size the header declares; 0 or 0xFFFFFFFF (unknown) replaced by what the file holds. */
  dataBytes: number;
}

const PCM = 1;
const MS_ADPCM = 2;
const IEEE_FLOAT = 3;
const A_LAW = 6;
const MU_LAW = 7;
const IMA_ADPCM = 0x11;
const EXTENSIBLE = 0xfffe;

export function parseWavHeader(bytes: Uint8Array): WavHeader | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: Omit<WavHeader, "dataStart" | "dataBytes"> | undefined;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = String.fromCharCode(...bytes.subarray(at, at + 4));
    const size = view.getUint32(at + 4, true);
    if (id === "fmt " && at + 24 <= bytes.length) {
      let formatTag = view.getUint16(at + 8, true);
      // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the SubFormat GUID.
      if (formatTag === EXTENSIBLE && size >= 40 && at + 34 <= bytes.length)
        formatTag = view.getUint16(at + 32, true);
      format = {
        formatTag,
        channels: view.getUint16(at + 10, true),
        sampleRate: view.getUint32(at + 12, true),
        byteRate: view.getUint32(at + 16, true),
        blockAlign: view.getUint16(at + 20, true),
        bitsPerSample: view.getUint16(at + 22, true),
        fmtBytes: size,
        ...(size >= 20 && view.getUint16(at + 24, true) >= 2 && at + 28 <= bytes.length
          ? { samplesPerBlock: view.getUint16(at + 26, true) }
          : {}),
      };
    }
    if (id === "data") {
      if (!format) return undefined;
      const dataStart = at + 8;
      const dataBytes = size === 0 || size === 0xffffffff ? bytes.length - dataStart : size;
      return { ...format, dataStart, dataBytes };
    }
    at += 8 + size + (size % 2); // chunks are word-aligned
  }
  return undefined;
}

/**
 * Frames the data present in the file holds (never what a lying header claims beyond the end), or
 * `undefined` for an encoding we do not know the cost of. Throws "corrupt" for an ADPCM header
 * whose samples-per-block does not follow from its block size: the decoder would otherwise read the
 * field from past the fmt chunk and allocate gigabytes for a 1 MB file.
 */
export function wavFramesPresent(bytes: Uint8Array, header: WavHeader): number | undefined {
  const { formatTag, channels, blockAlign } = header;
  const present = Math.max(0, Math.min(header.dataBytes, bytes.length - header.dataStart));
  if (blockAlign === 0 || channels === 0) return undefined;
  if (formatTag === PCM || formatTag === IEEE_FLOAT || formatTag === A_LAW || formatTag === MU_LAW) {
    return Math.floor(present / blockAlign);
  }
  if (formatTag === IMA_ADPCM || formatTag === MS_ADPCM) {
    const expected =
      formatTag === IMA_ADPCM
        ? 1 + (blockAlign / channels - 4) * 2
        : 2 + ((blockAlign - 7 * channels) * 2) / channels;
    if (header.fmtBytes < 20 || header.samplesPerBlock !== expected || !(expected >= 2)) throw corrupt();
    return Math.floor(present / blockAlign) * expected;
  }
  return undefined;
}

/**
 * Plain PCM / float samples as libsndfile would scale them, one array per channel, or
 * `undefined` for encodings this reader leaves to audio-decode. Reads only the frames present
 * (a header may claim more than a truncated file holds).
 */
export function readPcm(bytes: Uint8Array, header: WavHeader): Float32Array[] | undefined {
  const { formatTag, channels, bitsPerSample, blockAlign, dataStart } = header;
  const bytesPerSample = bitsPerSample / 8;
  const reader = sampleReader(formatTag, bitsPerSample);
  if (!reader || channels < 1 || blockAlign !== channels * bytesPerSample) return undefined;
  const available = Math.max(0, Math.min(header.dataBytes, bytes.length - dataStart));
  const frames = Math.floor(available / blockAlign);
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart, frames * blockAlign);
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  for (let c = 0; c < channels; c++) {
    const channel = out[c] as Float32Array;
    for (let i = 0, at = c * bytesPerSample; i < frames; i++, at += blockAlign) channel[i] = reader(view, at);
  }
  return out;
}

type SampleReader = (view: DataView, at: number) => number;

function sampleReader(formatTag: number, bits: number): SampleReader | undefined {
  if (formatTag === PCM) {
    if (bits === 8) return (v, at) => (v.getUint8(at) - 128) / 128;
    if (bits === 16) return (v, at) => v.getInt16(at, true) / 32768;
    if (bits === 24)
      return (v, at) => ((v.getUint8(at + 2) << 24) | (v.getUint16(at, true) << 8)) / 2147483648;
    if (bits === 32) return (v, at) => v.getInt32(at, true) / 2147483648;
  }
  if (formatTag === IEEE_FLOAT) {
    if (bits === 32) return (v, at) => v.getFloat32(at, true);
    if (bits === 64) return (v, at) => v.getFloat64(at, true);
  }
  return undefined;
}

import type { StreamShape } from "./limits.js";
import { type AudioFormat, isMpegAudioSync } from "./sniff.js";
import { parseWavHeader, wavFramesPresent } from "./wav.js";

/**
 * What decoding a file will cost, read from its headers before any decoder runs: channels, sample
 * rate and, when the header tells, frames. A small file can declare hours of 8-channel audio (a
 * FLAC of constant frames compresses 50 000 : 1), so this is where such a file is refused, in
 * microseconds. `undefined` when the headers do not say; the decoder's output is checked as it goes.
 * Frames are those of the audio present: a WAV header claiming more data than the file holds is
 * judged by what is there.
 */
export function headerShape(
  bytes: Uint8Array,
  format: AudioFormat,
  dataStart: number,
): StreamShape | undefined {
  switch (format) {
    case "wav":
      return wavShape(bytes);
    case "flac":
      return flacShape(bytes);
    case "mp3":
      return mp3Shape(bytes, dataStart);
    case "m4a":
      return mp4Shape(bytes);
    case "ogg-vorbis":
    case "ogg-opus":
      return oggShape(bytes, format);
  }
}

function wavShape(bytes: Uint8Array): StreamShape | undefined {
  const header = parseWavHeader(bytes);
  if (!header) return undefined;
  const frames = wavFramesPresent(bytes, header);
  return {
    channels: header.channels,
    sampleRate: header.sampleRate,
    ...(frames !== undefined ? { frames } : {}),
  };
}

/**
 * STREAMINFO, the first metadata block: 20-bit rate, 3-bit channels − 1, 36-bit total. When the
 * total is 0 ("unknown"), the frames are counted from the frame headers themselves: a FLAC frame of
 * constant subframes is ~13 bytes for 65 535 samples per channel, so 33 KB can stand for 40 minutes,
 * which decoding would only find out after seconds and hundreds of MB.
 */
function flacShape(bytes: Uint8Array): StreamShape | undefined {
  if (bytes.length < 42 || ((bytes[4] as number) & 0x7f) !== 0) return undefined;
  const at = 18;
  const b = (i: number) => bytes[at + i] as number;
  const sampleRate = (b(0) << 12) | (b(1) << 4) | (b(2) >> 4);
  const channels = ((b(2) >> 1) & 7) + 1;
  const total = (b(3) & 0x0f) * 2 ** 32 + ((b(4) << 24) >>> 0) + (b(5) << 16) + (b(6) << 8) + b(7);
  return { channels, sampleRate, frames: total > 0 ? total : flacFramesCounted(bytes) };
}

/** Block sizes by the frame header's 4-bit code (6 and 7: read from the header's end; 0: reserved). */
const FLAC_BLOCK_SIZES = [
  0, 192, 576, 1152, 2304, 4608, -8, -16, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768,
];

/**
 * Samples per channel in every frame header found (sync code, valid fields, matching CRC-8). A
 * false match inside compressed data takes ~2^-24 odds per byte: a 25 MB file might gain one
 * frame, a second or so, against a limit of ten minutes.
 */
function flacFramesCounted(bytes: Uint8Array): number {
  let frames = 0;
  for (let at = 0; at + 6 <= bytes.length; at++) {
    if (bytes[at] !== 0xff || ((bytes[at + 1] as number) & 0xfe) !== 0xf8) continue;
    const b2 = bytes[at + 2] as number;
    const b3 = bytes[at + 3] as number;
    const sizeCode = FLAC_BLOCK_SIZES[b2 >> 4] as number;
    const rateCode = b2 & 0x0f;
    if (sizeCode === 0 || rateCode === 15 || b3 >> 4 > 10 || ((b3 >> 1) & 7) === 3 || (b3 & 1) !== 0)
      continue;
    // The frame or sample number: UTF-8-style, 1 to 7 bytes.
    const lead = bytes[at + 4] as number;
    const extra = lead < 0x80 ? 0 : lead >= 0xc0 && lead < 0xfe ? Math.clz32(~(lead << 24)) - 1 : -1;
    if (extra < 0) continue;
    let end = at + 5 + extra;
    let size = sizeCode;
    if (sizeCode === -8) size = (bytes[end++] ?? 0) + 1;
    else if (sizeCode === -16) size = ((bytes[end++] ?? 0) << 8) + (bytes[end++] ?? 0) + 1;
    end += rateCode === 12 ? 1 : rateCode === 13 || rateCode === 14 ? 2 : 0;
    if (end >= bytes.length || crc8(bytes, at, end) !== bytes[end]) continue;
    frames += size;
    at = end;
  }
  return frames;
}

function crc8(bytes: Uint8Array, from: number, to: number): number {
  let crc = 0;
  for (let i = from; i < to; i++) {
    crc ^= bytes[i] as number;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

const MPEG1_BITRATES = [
  [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448], // layer I
  [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384], // layer II
  [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320], // layer III
];
const MPEG2_BITRATES = [
  [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256], // layer I
  [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160], // layers II and III
];
const MPEG1_RATES = [44100, 48000, 32000];

/**
 * Frames from the Xing/Info or VBRI frame count when present, else bitrate × size (exact for CBR).
 * A Xing count is capped by what the bytes present can hold at the frame's own size, so a tag
 * claiming hours in a 30-second file is judged by the 30 seconds.
 */
function mp3Shape(bytes: Uint8Array, at: number): StreamShape | undefined {
  if (!isMpegAudioSync(bytes, at)) return undefined;
  const b1 = bytes[at + 1] as number;
  const b2 = bytes[at + 2] as number;
  const b3 = bytes[at + 3] ?? 0;
  const version = (b1 >> 3) & 3; // 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
  const layer = 4 - ((b1 >> 1) & 3); // 1, 2 or 3
  const mpeg1 = version === 3;
  const sampleRate = (MPEG1_RATES[(b2 >> 2) & 3] as number) / (mpeg1 ? 1 : version === 2 ? 2 : 4);
  const samplesPerFrame = layer === 1 ? 384 : layer === 3 && !mpeg1 ? 576 : 1152;
  const mono = b3 >> 6 === 3;
  const channels = mono ? 1 : 2;
  const audioBytes = bytes.length - at - (ascii(bytes, bytes.length - 128, 3) === "TAG" ? 128 : 0);

  // The smallest frame MPEG allows (8 kbps) bounds how many frames the bytes present can hold.
  const minFrameBytes = Math.max(1, Math.floor(((samplesPerFrame / 8) * 8000) / sampleRate));
  const sideInfo = mpeg1 ? (mono ? 17 : 32) : mono ? 9 : 17;
  const counted = xingFrames(bytes, at + 4 + sideInfo) ?? vbriFrames(bytes, at + 36);
  if (counted !== undefined) {
    const frames = Math.min(counted, Math.ceil(audioBytes / minFrameBytes));
    return { channels, sampleRate, frames: frames * samplesPerFrame };
  }
  const table = mpeg1 ? MPEG1_BITRATES[layer - 1] : MPEG2_BITRATES[layer === 1 ? 0 : 1];
  const kbps = table?.[b2 >> 4];
  if (!kbps) return { channels, sampleRate }; // "free format" bitrate: no way to tell
  return { channels, sampleRate, frames: Math.round(((audioBytes * 8) / (kbps * 1000)) * sampleRate) };
}

function xingFrames(bytes: Uint8Array, at: number): number | undefined {
  const tag = ascii(bytes, at, 4);
  if (tag !== "Xing" && tag !== "Info") return undefined;
  const flags = readUint32BE(bytes, at + 4);
  return flags !== undefined && (flags & 1) !== 0 ? readUint32BE(bytes, at + 8) : undefined;
}

function vbriFrames(bytes: Uint8Array, at: number): number | undefined {
  if (ascii(bytes, at, 4) !== "VBRI") return undefined;
  return readUint32BE(bytes, at + 14);
}

/**
 * MP4/M4A: the audio track's sample entry (channels, rate) and its media duration, from the `moov`
 * box wherever it sits: a file written with its index after the audio is decoded only once the whole
 * file is in, so the declared duration is the only early warning.
 */
function mp4Shape(bytes: Uint8Array): StreamShape | undefined {
  const moov = findBox(bytes, 0, bytes.length, ["moov"]);
  if (!moov) return undefined;
  for (const trak of boxes(bytes, moov.start, moov.end)) {
    if (trak.type !== "trak") continue;
    const mdia = findBox(bytes, trak.start, trak.end, ["mdia"]);
    if (!mdia) continue;
    const hdlr = findBox(bytes, mdia.start, mdia.end, ["hdlr"]);
    if (!hdlr || ascii(bytes, hdlr.start + 8, 4) !== "soun") continue;
    const stsd = findBox(bytes, mdia.start, mdia.end, ["minf", "stbl", "stsd"]);
    const entry = stsd ? stsd.start + 8 : -1; // version/flags + entry count
    if (entry < 0 || entry + 36 > bytes.length) return undefined;
    // AudioSampleEntry: size, type, 6 reserved, data ref index, 8 reserved, channelcount, samplesize, 4, rate 16.16.
    const channels = readUint16BE(bytes, entry + 24) ?? 0;
    const sampleRate = readUint16BE(bytes, entry + 32) ?? 0;
    const mdhd = findBox(bytes, mdia.start, mdia.end, ["mdhd"]);
    const seconds = mdhd ? mdhdSeconds(bytes, mdhd.start) : undefined;
    return {
      channels,
      sampleRate,
      ...(seconds !== undefined ? { frames: Math.round(seconds * sampleRate) } : {}),
    };
  }
  return undefined;
}

function mdhdSeconds(bytes: Uint8Array, at: number): number | undefined {
  const version = bytes[at];
  const timescale = readUint32BE(bytes, at + (version === 1 ? 20 : 12));
  const high = version === 1 ? readUint32BE(bytes, at + 24) : 0;
  const low = readUint32BE(bytes, at + (version === 1 ? 28 : 16));
  if (!timescale || high === undefined || low === undefined) return undefined;
  return (high * 2 ** 32 + low) / timescale;
}

interface Box {
  type: string;
  /** First byte of the box's contents (after its header). */
  start: number;
  end: number;
}

function* boxes(bytes: Uint8Array, from: number, to: number): Generator<Box> {
  for (let at = from; at + 8 <= to; ) {
    let size = readUint32BE(bytes, at) ?? 0;
    let header = 8;
    if (size === 1) {
      const high = readUint32BE(bytes, at + 8) ?? 0;
      size = high * 2 ** 32 + (readUint32BE(bytes, at + 12) ?? 0);
      header = 16;
    } else if (size === 0) size = to - at;
    if (size < header) return;
    yield { type: ascii(bytes, at + 4, 4), start: at + header, end: Math.min(at + size, to) };
    at += size;
  }
}

function findBox(bytes: Uint8Array, from: number, to: number, path: string[]): Box | undefined {
  let found: Box | undefined;
  let [start, end] = [from, to];
  for (const type of path) {
    found = undefined;
    for (const box of boxes(bytes, start, end)) {
      if (box.type === type) {
        found = box;
        break;
      }
    }
    if (!found) return undefined;
    [start, end] = [found.start, found.end];
  }
  return found;
}

/**
 * Ogg: channels and rate from the identification header, frames from the last page's granule
 * position (Opus always decodes at 48 kHz).
 */
function oggShape(bytes: Uint8Array, format: "ogg-vorbis" | "ogg-opus"): StreamShape | undefined {
  const head = 27 + (bytes[26] ?? 0); // first page: 27-byte header, then its segment table
  const channels = bytes[head + (format === "ogg-opus" ? 9 : 11)];
  const sampleRate = format === "ogg-opus" ? 48_000 : readUint32LE(bytes, head + 12);
  if (channels === undefined || sampleRate === undefined) return undefined;
  const last = lastPage(bytes);
  const granule = last === undefined ? undefined : granulePosition(bytes, last);
  return { channels, sampleRate, ...(granule !== undefined && granule > 0 ? { frames: granule } : {}) };
}

function lastPage(bytes: Uint8Array): number | undefined {
  // Pages are at most 65 307 bytes, so the last one starts within that distance of the end.
  for (let at = bytes.length - 27; at >= Math.max(0, bytes.length - 65_307); at--) {
    if (bytes[at] === 0x4f && ascii(bytes, at, 4) === "OggS") return at;
  }
  return undefined;
}

function granulePosition(bytes: Uint8Array, page: number): number | undefined {
  const low = readUint32LE(bytes, page + 6);
  const high = readUint32LE(bytes, page + 10);
  if (low === undefined || high === undefined || high === 0xffffffff) return undefined;
  return high * 2 ** 32 + low;
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return start < 0 ? "" : String.fromCharCode(...bytes.subarray(start, start + length));
}

function readUint16BE(bytes: Uint8Array, at: number): number | undefined {
  if (at + 2 > bytes.length) return undefined;
  return ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
}

function readUint32BE(bytes: Uint8Array, at: number): number | undefined {
  if (at < 0 || at + 4 > bytes.length) return undefined;
  return new DataView(bytes.buffer, bytes.byteOffset + at, 4).getUint32(0, false);
}

function readUint32LE(bytes: Uint8Array, at: number): number | undefined {
  if (at < 0 || at + 4 > bytes.length) return undefined;
  return new DataView(bytes.buffer, bytes.byteOffset + at, 4).getUint32(0, true);
}

import { readFileSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BitWriter, crc8, crc16, DATA_DIR } from "../audio-helpers.js";

/**
 * Hostile audio files, built byte by byte so no bomb is committed and no encoder is needed. Each
 * reproduces one input of issue 9 that took the process down before the limits were counted in
 * samples × channels from the header.
 */

const GTZAN_CLIP = "gtzan/audio/blues/blues.00000.wav";

function gtzanWav(): Uint8Array {
  return new Uint8Array(readFileSync(path.join(DATA_DIR, GTZAN_CLIP)));
}

/** A real 30 s GTZAN WAV whose 16-byte fmt chunk now claims an ADPCM codec (0x11 IMA, 2 MS). */
export function adpcmTaggedWav(tag: 0x11 | 2): Uint8Array {
  const bytes = gtzanWav();
  new DataView(bytes.buffer).setUint16(20, tag, true);
  return bytes;
}

/** A real 30 s GTZAN WAV whose header says 65 535 channels. */
export function manyChannelWav(): Uint8Array {
  const bytes = gtzanWav();
  new DataView(bytes.buffer).setUint16(22, 65_535, true);
  return bytes;
}

/** A real 30 s GTZAN WAV whose data chunk claims ~2 GB: judged by the 30 s present. */
export function lyingLengthWav(): Uint8Array {
  const bytes = gtzanWav();
  new DataView(bytes.buffer).setUint32(40, 0x7fff_ff00, true);
  return bytes;
}

export interface ConstantFlacOptions {
  sampleRate: number;
  channels: number;
  /** Samples per channel in each frame (FLAC allows up to 65 535). */
  blockSize: number;
  frames: number;
  /** Write the true total in STREAMINFO; false writes 0 ("unknown"), so only decoding can tell. */
  declareTotal: boolean;
}

/**
 * The FLAC of `ffmpeg -f lavfi -i anullsrc=r=384000:cl=7.1 -t 300 -c:a flac -frame_size 65535`:
 * every subframe CONSTANT zero, ~30 bytes standing for 65 535 × channels samples.
 */
export function constantFlac(o: ConstantFlacOptions): Uint8Array {
  const info = new BitWriter();
  info.write(o.blockSize, 16).write(o.blockSize, 16).write(0, 24).write(0, 24);
  info
    .write(o.sampleRate, 20)
    .write(o.channels - 1, 3)
    .write(15, 5);
  const total = o.declareTotal ? o.frames * o.blockSize : 0;
  info.write(Math.floor(total / 2 ** 32), 4).write(total % 2 ** 32, 32);
  for (let i = 0; i < 16; i++) info.write(0, 8); // MD5 unknown
  const parts: number[][] = [[...Buffer.from("fLaC"), 0x80, 0, 0, 34], info.bytes];
  for (let index = 0; index < o.frames; index++) {
    const frame = new BitWriter();
    // Sync, fixed blocking; block size and rate (in tens of Hz) from 16-bit fields after the number.
    frame.write(0xfff8, 16).write(7, 4).write(14, 4);
    frame
      .write(o.channels - 1, 4)
      .write(4, 3)
      .write(0, 1); // independent channels, 16 bits
    for (const byte of utf8Number(index)) frame.write(byte, 8);
    frame.write(o.blockSize - 1, 16).write(o.sampleRate / 10, 16);
    frame.write(crc8(frame.bytes), 8);
    for (let c = 0; c < o.channels; c++) frame.write(0, 8).write(0, 16); // CONSTANT subframe, value 0
    frame.write(crc16(frame.bytes), 16);
    parts.push(frame.bytes);
  }
  return Uint8Array.from(parts.flat());
}

/** FLAC's frame numbers use UTF-8's variable-length coding. */
function utf8Number(n: number): number[] {
  if (n < 0x80) return [n];
  if (n < 0x800) return [0xc0 | (n >> 6), 0x80 | (n & 0x3f)];
  if (n < 0x10000) return [0xe0 | (n >> 12), 0x80 | ((n >> 6) & 0x3f), 0x80 | (n & 0x3f)];
  return [0xf0 | (n >> 18), 0x80 | ((n >> 12) & 0x3f), 0x80 | ((n >> 6) & 0x3f), 0x80 | (n & 0x3f)];
}

/**
 * An M4A laid out as `ffmpeg … -t 10800 -c:a aac` writes it: ftyp, the audio (here a small mdat),
 * then the index (moov) declaring a stereo 44.1 kHz track of three hours.
 */
export function lateIndexM4a(seconds = 3 * 3600): Uint8Array {
  const rate = 44_100;
  const mdhd = fullBox("mdhd", [u32(0), u32(0), u32(rate), u32(seconds * rate), u16(0x55c4), u16(0)]);
  const hdlr = fullBox("hdlr", [u32(0), ascii("soun"), u32(0), u32(0), u32(0), ascii("SoundHandler\0")]);
  const mp4a = box("mp4a", [
    new Uint8Array(6),
    u16(1), // data reference index
    new Uint8Array(8),
    u16(2), // channels
    u16(16), // sample size
    u32(0),
    u32(rate * 65_536), // 16.16 fixed point
  ]);
  const stsd = fullBox("stsd", [u32(1), mp4a]);
  const minf = box("minf", [box("stbl", [stsd])]);
  const trak = box("trak", [box("mdia", [mdhd, hdlr, minf])]);
  const mvhd = fullBox("mvhd", [u32(0), u32(0), u32(1000), u32(seconds * 1000), new Uint8Array(80)]);
  return concat([
    box("ftyp", [ascii("M4A "), u32(512), ascii("M4A isomiso2")]),
    box("mdat", [new Uint8Array(64 * 1024).fill(0x21)]),
    box("moov", [mvhd, trak]),
  ]);
}

/**
 * An MP3 of `seconds` made of one real frame of an Emotify clip repeated: constant bitrate, so its
 * length follows from its size as for any CBR file.
 */
export function repeatedFrameMp3(seconds: number): Uint8Array {
  const source = new Uint8Array(readFileSync(path.join(DATA_DIR, "emotify/rock/1.mp3")));
  let at = 10 + source.subarray(6, 10).reduce((acc, b) => acc * 128 + (b & 0x7f), 0);
  // Skip the Xing/Info frame, if any: take the frame after the first.
  const frameBytes = (offset: number) => {
    const b2 = source[offset + 2] as number;
    const kbps = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320][b2 >> 4] as number;
    const rate = [44100, 48000, 32000][(b2 >> 2) & 3] as number;
    return Math.floor((144 * kbps * 1000) / rate) + ((b2 >> 1) & 1);
  };
  at += frameBytes(at);
  const frame = source.subarray(at, at + frameBytes(at));
  const count = Math.ceil((seconds * 44_100) / 1152);
  const out = new Uint8Array(frame.length * count);
  for (let i = 0; i < count; i++) out.set(frame, i * frame.length);
  return out;
}

function box(type: string, children: Uint8Array[]): Uint8Array {
  const body = concat(children);
  return concat([u32(8 + body.length), ascii(type), body]);
}

function fullBox(type: string, children: Uint8Array[]): Uint8Array {
  return box(type, [u32(0), ...children]);
}

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n >>> 0, false);
  return out;
}

function u16(n: number): Uint8Array {
  const out = new Uint8Array(2);
  new DataView(out.buffer).setUint16(0, n, false);
  return out;
}

function ascii(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, "latin1"));
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

export interface BombFile {
  /** The numbered item of issue 9 it reproduces. */
  item: number;
  name: string;
  what: string;
}

/**
 * Writes every memory bomb of issue 9 (items 1–5) into `dir`, for the tests and `npm run bench
 * hostile`. The two huge files are sparse: a WAV header, then holes that cost no disk.
 */
export function writeBombs(dir: string): BombFile[] {
  const flac = (o: ConstantFlacOptions) => constantFlac(o);
  const files: Array<BombFile & { bytes?: Uint8Array; sparseBytes?: number }> = [
    { item: 1, name: "ima-adpcm.wav", what: "GTZAN WAV re-tagged IMA ADPCM", bytes: adpcmTaggedWav(0x11) },
    { item: 1, name: "ms-adpcm.wav", what: "GTZAN WAV re-tagged MS ADPCM", bytes: adpcmTaggedWav(2) },
    { item: 2, name: "65535-channels.wav", what: "WAV claiming 65 535 channels", bytes: manyChannelWav() },
    {
      item: 3,
      name: "384k-7.1.flac",
      what: "FLAC 7.1 at 384 kHz, 5 min, 65 535-sample frames",
      bytes: flac({ sampleRate: 384_000, channels: 8, blockSize: 65_535, frames: 1758, declareTotal: true }),
    },
    {
      item: 3,
      name: "four-hours.flac",
      what: "FLAC stereo 44.1 kHz, 4 hours",
      bytes: flac({ sampleRate: 44_100, channels: 2, blockSize: 4096, frames: 155_040, declareTotal: true }),
    },
    {
      item: 3,
      name: "undeclared.flac",
      what: "FLAC stereo 48 kHz, 40 min, total not declared",
      bytes: flac({ sampleRate: 48_000, channels: 2, blockSize: 65_535, frames: 1758, declareTotal: false }),
    },
    { item: 4, name: "late-index.m4a", what: "M4A, index after the audio, 3 hours", bytes: lateIndexM4a() },
    { item: 5, name: "1.9GB.wav", what: "1.9 GB file", sparseBytes: 1.9e9 },
    { item: 5, name: "3GB.wav", what: "3 GB file", sparseBytes: 3e9 },
  ];
  return files.map(({ bytes, sparseBytes, ...file }) => {
    const target = path.join(dir, file.name);
    writeFileSync(target, bytes ?? manyChannelWav().subarray(0, 44));
    if (sparseBytes) truncateSync(target, sparseBytes);
    return file;
  });
}

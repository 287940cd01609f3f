import { type AudioFormat, isMpegAudioSync } from "./sniff.js";
import { parseWavHeader } from "./wav.js";

/**
 * Duration a file's headers claim, read without decoding, so that an hour-long upload is refused
 * before we spend seconds and hundreds of megabytes decoding it. `undefined` when the header
 * doesn't say; the decoder then enforces the cap as it goes.
 */
export function headerDurationSeconds(
  bytes: Uint8Array,
  format: AudioFormat,
  dataStart: number,
): number | undefined {
  if (format === "wav") return wavDuration(bytes);
  if (format === "mp3") return mp3Duration(bytes, dataStart);
  return undefined;
}

function wavDuration(bytes: Uint8Array): number | undefined {
  const header = parseWavHeader(bytes);
  return header?.byteRate ? header.dataBytes / header.byteRate : undefined;
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

/** From the Xing/Info or VBRI frame count when present, else bitrate × size (exact for CBR). */
function mp3Duration(bytes: Uint8Array, at: number): number | undefined {
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

  const sideInfo = mpeg1 ? (mono ? 17 : 32) : mono ? 9 : 17;
  const frames = xingFrames(bytes, at + 4 + sideInfo) ?? vbriFrames(bytes, at + 36);
  if (frames !== undefined) return (frames * samplesPerFrame) / sampleRate;

  const table = mpeg1 ? MPEG1_BITRATES[layer - 1] : MPEG2_BITRATES[layer === 1 ? 0 : 1];
  const kbps = table?.[b2 >> 4];
  if (!kbps) return undefined; // "free format" bitrate: no way to tell
  const id3v1 =
    String.fromCharCode(...bytes.subarray(bytes.length - 128, bytes.length - 125)) === "TAG" ? 128 : 0;
  return ((bytes.length - at - id3v1) * 8) / (kbps * 1000);
}

function xingFrames(bytes: Uint8Array, at: number): number | undefined {
  const tag = String.fromCharCode(...bytes.subarray(at, at + 4));
  if (tag !== "Xing" && tag !== "Info") return undefined;
  const flags = readUint32BE(bytes, at + 4);
  return flags !== undefined && (flags & 1) !== 0 ? readUint32BE(bytes, at + 8) : undefined;
}

function vbriFrames(bytes: Uint8Array, at: number): number | undefined {
  if (String.fromCharCode(...bytes.subarray(at, at + 4)) !== "VBRI") return undefined;
  return readUint32BE(bytes, at + 14);
}

function readUint32BE(bytes: Uint8Array, at: number): number | undefined {
  if (at + 4 > bytes.length) return undefined;
  return new DataView(bytes.buffer, bytes.byteOffset + at, 4).getUint32(0, false);
}

/**
 * Recognises what a file is from its first bytes, before any decoder sees it, so that people who
 * drop a screenshot or a PDF get told so instead of "corrupt audio".
 */

/** The audio containers we decode, with the `audio-decode` codec that handles each. */
export type AudioFormat = "mp3" | "wav" | "ogg-vorbis" | "ogg-opus" | "flac" | "m4a";

export type Sniffed =
  | {
      kind: "audio";
      format: AudioFormat /** Offset of the first audio byte after an ID3v2 tag. */;
      dataStart: number;
    }
  | { kind: "other-audio"; description: string }
  | { kind: "not-audio"; description: string }
  | { kind: "unknown" };

export const ACCEPTED_FORMATS = "MP3, WAV, OGG (Vorbis or Opus), FLAC or M4A/AAC";

export function sniff(bytes: Uint8Array): Sniffed {
  const dataStart = id3v2End(bytes);
  if (dataStart > 0) {
    // An ID3v2 tag is almost always MP3; ADTS AAC files can carry one too.
    if (isAdtsSync(bytes, dataStart)) return { kind: "other-audio", description: "raw AAC (ADTS)" };
    return { kind: "audio", format: "mp3", dataStart };
  }
  if (isMpegAudioSync(bytes, 0)) return { kind: "audio", format: "mp3", dataStart: 0 };
  if (isAdtsSync(bytes, 0)) return { kind: "other-audio", description: "raw AAC (ADTS)" };

  if (ascii(bytes, 0, 4) === "RIFF") {
    const form = ascii(bytes, 8, 4);
    if (form === "WAVE") return { kind: "audio", format: "wav", dataStart: 0 };
    if (form === "WEBP") return { kind: "not-audio", description: "an image (WebP)" };
    if (form === "AVI ") return { kind: "not-audio", description: "a video (AVI)" };
    return { kind: "unknown" };
  }
  if (ascii(bytes, 0, 4) === "OggS") {
    const codec = ascii(bytes, 28, 8);
    if (codec === "OpusHead") return { kind: "audio", format: "ogg-opus", dataStart: 0 };
    if (codec.slice(1, 7) === "vorbis") return { kind: "audio", format: "ogg-vorbis", dataStart: 0 };
    return { kind: "other-audio", description: "an Ogg file with a codec other than Vorbis or Opus" };
  }
  if (ascii(bytes, 0, 4) === "fLaC") return { kind: "audio", format: "flac", dataStart: 0 };
  if (ascii(bytes, 4, 4) === "ftyp") return sniffIsoMedia(ascii(bytes, 8, 4));
  if (ascii(bytes, 0, 4) === "FORM" && ["AIFF", "AIFC"].includes(ascii(bytes, 8, 4))) {
    return { kind: "other-audio", description: "AIFF" };
  }
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) {
    return { kind: "other-audio", description: "WebM/Matroska" };
  }
  if (ascii(bytes, 0, 4) === "caff") return { kind: "other-audio", description: "Core Audio (CAF)" };

  const other = sniffNonAudio(bytes);
  return other ? { kind: "not-audio", description: other } : { kind: "unknown" };
}

function sniffIsoMedia(brand: string): Sniffed {
  if (["heic", "heix", "mif1", "msf1", "avif"].includes(brand)) {
    return { kind: "not-audio", description: "an image (HEIC/AVIF)" };
  }
  // M4A, MP4, 3GP, QuickTime: audio-decode reads the AAC track of any of them.
  return { kind: "audio", format: "m4a", dataStart: 0 };
}

const NON_AUDIO_MAGIC: ReadonlyArray<readonly [number[], string]> = [
  [[0x89, 0x50, 0x4e, 0x47], "an image (PNG)"],
  [[0xff, 0xd8, 0xff], "an image (JPEG)"],
  [[0x47, 0x49, 0x46, 0x38], "an image (GIF)"],
  [[0x42, 0x4d], "an image (BMP)"],
  [[0x25, 0x50, 0x44, 0x46], "a PDF document"],
  [[0x50, 0x4b, 0x03, 0x04], "a ZIP archive"],
  [[0x1f, 0x8b], "a gzip archive"],
  [[0x52, 0x61, 0x72, 0x21], "a RAR archive"],
  [[0x37, 0x7a, 0xbc, 0xaf], "a 7-Zip archive"],
  [[0x7f, 0x45, 0x4c, 0x46], "a program (ELF)"],
  [[0x4d, 0x5a], "a Windows program"],
];

function sniffNonAudio(bytes: Uint8Array): string | undefined {
  for (const [magic, description] of NON_AUDIO_MAGIC) {
    if (magic.every((b, i) => bytes[i] === b)) return description;
  }
  const head = new TextDecoder("utf-8", { fatal: false }).decode(bytes.subarray(0, 512)).trimStart();
  if (/^<(!doctype html|html|head|body|\?xml|svg)/i.test(head)) {
    return /^<svg|^<\?xml[\s\S]*<svg/i.test(head) ? "an image (SVG)" : "a web page (HTML)";
  }
  return looksLikeText(bytes) ? "a text file" : undefined;
}

/** Text if the first 512 bytes are printable ASCII/UTF-8 with no control bytes besides whitespace. */
function looksLikeText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 512);
  if (head.length === 0) return false;
  for (const b of head) {
    const control = b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d;
    if (control || b === 0x7f) return false;
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head.length < bytes.length ? trimUtf8(head) : head);
    return true;
  } catch {
    return false;
  }
}

/** Drops a UTF-8 sequence cut off by the 512-byte window so it doesn't look invalid. */
function trimUtf8(head: Uint8Array): Uint8Array {
  let end = head.length;
  while (end > 0 && end > head.length - 4 && ((head[end - 1] as number) & 0xc0) === 0x80) end--;
  if (end > 0 && ((head[end - 1] as number) & 0xc0) === 0xc0) end--;
  return head.subarray(0, end);
}

/** End offset of a leading ID3v2 tag (10-byte header + syncsafe size + optional footer), or 0. */
export function id3v2End(bytes: Uint8Array): number {
  if (ascii(bytes, 0, 3) !== "ID3" || bytes.length < 10) return 0;
  const size = bytes.subarray(6, 10).reduce((acc, b) => acc * 128 + (b & 0x7f), 0);
  const footer = ((bytes[5] as number) & 0x10) !== 0 ? 10 : 0;
  return 10 + size + footer;
}

/** MPEG audio frame sync with a valid layer, bitrate and sample rate field. */
export function isMpegAudioSync(bytes: Uint8Array, at: number): boolean {
  const b1 = bytes[at + 1];
  const b2 = bytes[at + 2];
  if (bytes[at] !== 0xff || b1 === undefined || b2 === undefined) return false;
  const version = (b1 >> 3) & 3;
  const layer = (b1 >> 1) & 3;
  return (b1 & 0xe0) === 0xe0 && version !== 1 && layer !== 0 && b2 >> 4 !== 15 && ((b2 >> 2) & 3) !== 3;
}

function isAdtsSync(bytes: Uint8Array, at: number): boolean {
  const b1 = bytes[at + 1];
  return bytes[at] === 0xff && b1 !== undefined && (b1 & 0xf6) === 0xf0;
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

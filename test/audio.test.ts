import { createHash } from "node:crypto";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { decodeToMono } from "../src/audio/decode.js";
import {
  AudioError,
  DEFAULT_AUDIO_LIMITS,
  decodeAudio,
  MODEL_SAMPLE_RATE,
  resample,
} from "../src/audio/index.js";
import { KAISER_BEST_LENGTH, kaiserBestEntry } from "../src/audio/kaiser-best.js";
import { id3v2End } from "../src/audio/sniff.js";
import {
  librosaLengths,
  makeFlac,
  makeWav,
  readData,
  resampleReference,
  seededRandom,
  sine,
} from "./audio-helpers.js";

async function audioError(promise: Promise<unknown>): Promise<AudioError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AudioError);
  return error as AudioError;
}

function maxAbsDifference(a: Float32Array, b: Float32Array, length = Math.min(a.length, b.length)): number {
  let max = 0;
  for (let i = 0; i < length; i++) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

describe("resample (resampy kaiser_best, as librosa 0.9.2)", () => {
  it("reproduces librosa's 44.1 → 22.05 kHz output of the reference vector to < 1e-6", () => {
    const { input, output } = resampleReference();
    const y = resample(input, 44100, 22050);
    expect(y.length).toBe(output.length);
    const error = maxAbsDifference(y, output);
    expect(error).toBeLessThan(1e-6); // measured 4.2e-7
  });

  it("uses librosa's length rule: ceil(n · ratio), the last sample zero-padded when resampy floors", () => {
    const x = sine(440, 44100, 1).subarray(0, 22051);
    const y = resample(x, 44100, 22050);
    expect(y.length).toBe(11026);
    expect(y[11025]).toBe(0);
    expect(y[11024]).not.toBe(0);
  });

  it("returns the input untouched when the rate already matches", () => {
    const x = sine(440, 22050, 0.1);
    expect(resample(x, 22050, 22050)).toBe(x);
  });

  // No librosa vector exists for these rates, so the polyphase tables are checked against resampy's
  // per-output loop (resample_f) written out literally, on a stretch of real music.
  it.each([48000, 32000, 16000, 8000, 11025, 88200, 66150, 44101])(
    "matches resampy's per-sample loop from %i Hz",
    (rate) => {
      const { input } = resampleReference(); // real music; its nominal rate doesn't matter here
      const y = resample(input, rate, 22050);
      expect(y.length).toBe(Math.ceil(input.length * (22050 / rate)));
      const computed = Math.floor((input.length * 22050) / rate); // the rest is librosa's zero padding
      const outputs = Array.from({ length: 300 }, (_, i) => Math.floor((i * (computed - 1)) / 299));
      let max = 0;
      for (const t of outputs)
        max = Math.max(max, Math.abs((y[t] as number) - resampyLoop(input, rate, 22050, t)));
      expect(max).toBeLessThan(1e-6);
    },
  );

  it("keeps a 1 kHz tone's frequency and level when converting 48 kHz to 22.05 kHz", () => {
    const y = resample(sine(1000, 48000, 1), 48000, 22050);
    const ideal = sine(1000, 22050, 1);
    // Interior only: both ends see the filter's zero padding.
    expect(maxAbsDifference(y.subarray(200, -200), ideal.subarray(200, -200))).toBeLessThan(1e-3);
  });
});

describe("decodeAudio on real files", () => {
  const emotify = librosaLengths("emotify/librosa_reference.csv");
  const gtzan = librosaLengths("gtzan/audio/librosa_reference.csv");

  it.each([
    "rock/1.mp3",
    "pop/1.mp3",
    "pop/10.mp3",
    "classical/40.mp3",
    "classical/66.mp3",
    "electronic/19.mp3",
  ])("emotify %s decodes to librosa's sample count", async (file) => {
    const decoded = await decodeAudio(readData(`emotify/${file}`));
    expect(decoded.sampleRate).toBe(MODEL_SAMPLE_RATE);
    expect(decoded.samples.length).toBe(emotify.get(file));
    expect(decoded.durationSeconds).toBeCloseTo(decoded.samples.length / MODEL_SAMPLE_RATE, 3);
  });

  it.each([
    "blues/blues.00000.wav",
    "country/country.00000.wav",
    "disco/disco.00000.wav",
    "hiphop/hiphop.00000.wav",
  ])("gtzan %s passes through at 22 050 Hz with librosa's sample count", async (file) => {
    const bytes = readData(`gtzan/audio/${file}`);
    const decoded = await decodeAudio(bytes);
    expect(decoded.samples.length).toBe(gtzan.get(file));
    // 16-bit PCM read as int16 / 32768, exactly like soundfile.
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const dataStart = bytes.length - 2 * decoded.samples.length;
    for (const i of [0, 1000, 300_000, decoded.samples.length - 1]) {
      expect(decoded.samples[i]).toBe(view.getInt16(dataStart + 2 * i, true) / 32768);
    }
  });

  it("gives the same samples as librosa for the first 2 s of rock/1.mp3 (decode + mono + resample)", async () => {
    const { output } = resampleReference();
    const decoded = await decodeAudio(readData("emotify/rock/1.mp3"));
    // The reference was cut at 2 s before resampling, so its last ~100 samples saw zeros instead of music.
    const error = maxAbsDifference(decoded.samples, output, output.length - 120);
    // Measured 5.8e-7; rounding the decoder output to 16 bits first would give ~1e-5.
    expect(error).toBeLessThan(2e-6);
  });

  it("averages stereo channels to mono", async () => {
    const left = sine(440, 22050, 3, 0.5);
    const right = sine(660, 22050, 3, 0.25);
    const decoded = await decodeAudio(makeWav(22050, [left, right]));
    for (const i of [0, 17, 5000, 66_149]) {
      const l = Math.round((left[i] as number) * 32768) / 32768;
      const r = Math.round((right[i] as number) * 32768) / 32768;
      expect(decoded.samples[i]).toBeCloseTo((l + r) / 2, 7);
    }
  });

  it.each([48000, 32000, 16000, 8000])(
    "decodes a %i Hz WAV to 22 050 Hz at librosa's length",
    async (rate) => {
      const tone = sine(1000, rate, 3);
      const decoded = await decodeAudio(makeWav(rate, [tone]));
      expect(decoded.samples.length).toBe(Math.ceil(tone.length * (22050 / rate)));
      expect(decoded.durationSeconds).toBeCloseTo(3, 6);
      const ideal = sine(1000, 22050, 3);
      expect(maxAbsDifference(decoded.samples.subarray(300, -300), ideal.subarray(300, -300))).toBeLessThan(
        2e-3,
      );
    },
  );

  it("reads 24-bit and float WAV with libsndfile's scaling (int24 / 2^23, floats as stored)", async () => {
    const tone = sine(440, 22050, 3, 0.7);
    const pcm24 = await decodeAudio(makeWav(22050, [tone], undefined, "pcm24"));
    const float = await decodeAudio(makeWav(22050, [tone], undefined, "float32"));
    for (const i of [0, 1, 777, 40_000, 66_149]) {
      expect(pcm24.samples[i]).toBe(Math.fround(Math.round((tone[i] as number) * 8388608) / 8388608));
      expect(float.samples[i]).toBe(tone[i]);
    }
  });

  it("decodes FLAC (stereo, 44.1 kHz) to exactly what the same 16-bit audio gives as WAV", async () => {
    const left = sine(440, 44100, 3);
    const right = sine(660, 44100, 3, 0.3);
    const flac = await decodeAudio(makeFlac(44100, [left, right]));
    const wav = await decodeAudio(makeWav(44100, [left, right]));
    expect(flac.samples.length).toBe(wav.samples.length);
    expect(maxAbsDifference(flac.samples, wav.samples)).toBe(0);
  });

  it("accepts a truncated MP3 as the part that decodes, when long enough", async () => {
    const mp3 = readData("emotify/rock/1.mp3");
    const decoded = await decodeAudio(mp3.subarray(0, 100_000)); // ~6 s at 128 kbps
    expect(decoded.durationSeconds).toBeGreaterThan(5);
    expect(decoded.durationSeconds).toBeLessThan(7);
    expect(decoded.samples.every(Number.isFinite)).toBe(true);
  });
});

describe("decodeAudio refuses bad input with a friendly AudioError", () => {
  it("empty", async () => {
    const error = await audioError(decodeAudio(new Uint8Array(0)));
    expect(error.code).toBe("empty");
    expect(error.message).toMatch(/empty/);
  });

  it("too large, before looking inside", async () => {
    const error = await audioError(decodeAudio(new Uint8Array(DEFAULT_AUDIO_LIMITS.maxBytes + 1)));
    expect(error.code).toBe("too-large");
    expect(error.message).toBe(
      "That file is over 25 MB, the most I can take. Send a shorter clip or a compressed copy (MP3, OGG).",
    );
    const small = await audioError(decodeAudio(readData("emotify/rock/1.mp3"), { maxBytes: 100_000 }));
    expect(small.code).toBe("too-large");
  });

  it("a WAV longer than the cap, from its header and the data present, without decoding it", async () => {
    const threeSeconds = sine(440, 44100, 3);
    const error = await audioError(
      decodeAudio(makeWav(44100, [threeSeconds, threeSeconds]), { maxSeconds: 2.5 }),
    );
    expect(error.code).toBe("too-long");
    expect(error.message).toBe("That recording is 3 seconds long; I can listen to at most 2.5 seconds.");
  });

  it("a WAV whose header claims an hour but holds one second is judged by the second it holds", async () => {
    const oneSecond = sine(440, 44100, 1);
    const hour = 3600 * 44100 * 4; // 16-bit stereo
    const error = await audioError(decodeAudio(makeWav(44100, [oneSecond, oneSecond], hour)));
    expect(error.code).toBe("too-short");
  });

  it("an MP3 longer than the cap, from its Xing/Info header", async () => {
    const error = await audioError(decodeAudio(readData("emotify/rock/1.mp3"), { maxSeconds: 20 }));
    expect(error.code).toBe("too-long");
    expect(error.message).toBe("That recording is 30 seconds long; I can listen to at most 20 seconds.");
  });

  it("an MP3 without an Info frame longer than the cap, from its bitrate and size", async () => {
    const mp3 = readData("emotify/rock/1.mp3");
    const frame = id3v2End(mp3); // the Info frame follows the ID3 tag
    expect(String.fromCharCode(...mp3.subarray(frame + 36, frame + 40))).toBe("Info");
    const kbps = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320][
      (mp3[frame + 2] as number) >> 4
    ] as number;
    const frameLength = Math.floor((144_000 * kbps) / 44100) + (((mp3[frame + 2] as number) >> 1) & 1);
    const withoutInfo = new Uint8Array(mp3.length - frameLength);
    withoutInfo.set(mp3.subarray(0, frame));
    withoutInfo.set(mp3.subarray(frame + frameLength), frame);
    const error = await audioError(decodeAudio(withoutInfo, { maxSeconds: 20 }));
    expect(error.code).toBe("too-long");
    expect(error.message).toBe("That recording is 30 seconds long; I can listen to at most 20 seconds.");
  });

  it("a stream with no length header, by stopping the decoder past the cap", async () => {
    const limits = { ...DEFAULT_AUDIO_LIMITS, maxSeconds: 10 };
    const error = await audioError(decodeToMono(readData("emotify/rock/1.mp3"), "mp3", limits));
    expect(error.code).toBe("too-long");
    expect(error.message).toBe(
      "That recording is longer than 10 seconds; I can listen to at most 10 seconds.",
    );
  });

  it("a 0.2 s recording", async () => {
    const error = await audioError(decodeAudio(makeWav(44100, [sine(440, 44100, 0.2)])));
    expect(error.code).toBe("too-short");
    expect(error.message).toBe(
      "That recording is only 0.2 seconds long; I need at least 2 seconds to tell what it sounds like.",
    );
  });

  it("an MP3 cut off after a second", async () => {
    const error = await audioError(decodeAudio(readData("emotify/rock/1.mp3").subarray(0, 16_000)));
    expect(error.code).toBe("too-short");
  });

  it("an MP3 header with nothing after it", async () => {
    const mp3 = readData("emotify/rock/1.mp3");
    const error = await audioError(decodeAudio(mp3.subarray(0, 600)));
    expect(["corrupt", "too-short"]).toContain(error.code);
  });

  it("random bytes", async () => {
    const random = seededRandom(7);
    const bytes = Uint8Array.from({ length: 50_000 }, () => Math.floor(random() * 256));
    bytes[0] = 0x00; // make sure no magic number matches by chance
    const error = await audioError(decodeAudio(bytes));
    expect(error.code).toBe("unsupported-format");
    expect(error.message).toMatch(/MP3, WAV, OGG \(Vorbis or Opus\), FLAC or M4A\/AAC/);
  });

  it("random bytes behind a valid MP3 tag and frame header", async () => {
    // mpg123's wasm decoder prints every bad frame to console.error: keep the test output readable.
    const silenced = vi.spyOn(console, "error").mockImplementation(() => {});
    onTestFinished(() => silenced.mockRestore());
    const random = seededRandom(11);
    const mp3 = readData("emotify/rock/1.mp3");
    const bytes = mp3.slice(0, 200_000);
    for (let i = 2000; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
    const error = await audioError(decodeAudio(bytes));
    expect(["corrupt", "too-short"]).toContain(error.code);
  });

  it.each([
    [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "That file is an image (PNG), not audio."],
    [[0xff, 0xd8, 0xff, 0xe0], "That file is an image (JPEG), not audio."],
    [[...Buffer.from("%PDF-1.7\n")], "That file is a PDF document, not audio."],
    [[...Buffer.from("PK\x03\x04")], "That file is a ZIP archive, not audio."],
    [
      [...Buffer.from("<!DOCTYPE html><html><body>hi</body></html>")],
      "That file is a web page (HTML), not audio.",
    ],
    [[...Buffer.from("just some lyrics\nla la la\n")], "That file is a text file, not audio."],
  ])("recognised non-audio %#", async (head, message) => {
    const bytes = new Uint8Array(4096);
    bytes.set(head);
    if (message.includes("text") || message.includes("HTML")) bytes.fill(0x20, head.length);
    const error = await audioError(decodeAudio(bytes));
    expect(error.code).toBe("not-audio");
    expect(error.message).toBe(
      `${message} Send me a song as MP3, WAV, OGG (Vorbis or Opus), FLAC or M4A/AAC.`,
    );
  });

  it("audio in a format we don't read", async () => {
    const aiff = new Uint8Array(4096);
    aiff.set(Buffer.from("FORM\x00\x00\x0f\xf8AIFF", "latin1"));
    const error = await audioError(decodeAudio(aiff));
    expect(error.code).toBe("unsupported-format");
    expect(error.message).toMatch(/^That file is AIFF audio, which I can't read\. I can listen to MP3/);
  });

  it("leaves the caller's bytes unchanged, whether it succeeds or refuses", async () => {
    const mp3 = readData("emotify/rock/1.mp3");
    const truncated = mp3.slice(0, 16_000);
    const before = [mp3, truncated].map((b) => createHash("sha256").update(b).digest("hex"));
    await decodeAudio(mp3);
    await audioError(decodeAudio(truncated));
    expect([mp3, truncated].map((b) => createHash("sha256").update(b).digest("hex"))).toEqual(before);
  });
});

/** resampy 0.4.2 `resample_f` for one output sample, transcribed loop for loop (test oracle). */
function resampyLoop(x: Float32Array, srIn: number, srOut: number, t: number): number {
  const ratio = srOut / srIn;
  const scale = Math.min(1, ratio);
  // resampy scales the whole table by the ratio when downsampling; done per lookup here.
  const win = { length: KAISER_BEST_LENGTH, at: (i: number) => kaiserBestEntry(i) * scale };
  const delta = (i: number) => (i + 1 < win.length ? win.at(i + 1) - win.at(i) : 0);
  const numTable = 8192;
  const indexStep = Math.trunc(scale * numTable);
  const timeRegister = t * (1 / ratio);
  const n = Math.trunc(timeRegister);
  let frac = scale * (timeRegister - n);
  let indexFrac = frac * numTable;
  let offset = Math.trunc(indexFrac);
  let eta = indexFrac - offset;
  let y = 0;
  const iMax = Math.min(n + 1, Math.trunc((win.length - offset) / indexStep));
  for (let i = 0; i < iMax; i++) {
    const at = offset + i * indexStep;
    y += (win.at(at) + eta * delta(at)) * (x[n - i] as number);
  }
  frac = scale - frac;
  indexFrac = frac * numTable;
  offset = Math.trunc(indexFrac);
  eta = indexFrac - offset;
  const kMax = Math.min(x.length - n - 1, Math.trunc((win.length - offset) / indexStep));
  for (let k = 0; k < kMax; k++) {
    const at = offset + k * indexStep;
    y += (win.at(at) + eta * delta(at)) * (x[n + k + 1] as number);
  }
  return y;
}

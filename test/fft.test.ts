import { describe, expect, it } from "vitest";
import { realFft } from "../src/audio/index.js";

/** numpy.fft.rfft by its definition, in float64. */
function naiveRfft(x: Float64Array): { re: number[]; im: number[] } {
  const n = x.length;
  const re: number[] = [];
  const im: number[] = [];
  for (let k = 0; k <= n / 2; k++) {
    let a = 0;
    let b = 0;
    for (let t = 0; t < n; t++) {
      const angle = (2 * Math.PI * ((k * t) % n)) / n;
      a += (x[t] as number) * Math.cos(angle);
      b -= (x[t] as number) * Math.sin(angle);
    }
    re.push(a);
    im.push(b);
  }
  return { re, im };
}

function noise(n: number, seed: number): Float64Array {
  let state = seed;
  return Float64Array.from({ length: n }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 1073741824 - 1;
  });
}

const maxDifference = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Math.max(...Array.from(a, (v, i) => Math.abs(v - (b[i] as number))));

describe("realFft", () => {
  it("equals the DFT's definition for every power-of-two size from 2 to 2048, alone and in pairs", () => {
    for (let size = 2; size <= 2048; size *= 2) {
      const a = noise(size, size);
      const b = noise(size, size + 1);
      const bins = size / 2 + 1;
      const re = new Float64Array(2 * bins);
      const im = new Float64Array(2 * bins);
      realFft(size).forwardPair(a, b, re, im, 0, bins);
      const [expectedA, expectedB] = [naiveRfft(a), naiveRfft(b)];
      // The naive sum itself rounds to ~1e-13 · size; the FFT is far closer.
      const tolerance = 1e-13 * size;
      expect(maxDifference(re.subarray(0, bins), expectedA.re)).toBeLessThan(tolerance);
      expect(maxDifference(im.subarray(0, bins), expectedA.im)).toBeLessThan(tolerance);
      expect(maxDifference(re.subarray(bins), expectedB.re)).toBeLessThan(tolerance);
      expect(maxDifference(im.subarray(bins), expectedB.im)).toBeLessThan(tolerance);
      const single = { re: new Float64Array(bins), im: new Float64Array(bins) };
      realFft(size).forward(a, single.re, single.im);
      expect(single.re).toEqual(re.subarray(0, bins));
      expect(single.im).toEqual(im.subarray(0, bins));
    }
  });

  it("inverts its own spectra (irfft) to float64 rounding, alone and in pairs", () => {
    for (const size of [2, 8, 512, 2048]) {
      const a = noise(size, 3 * size);
      const b = noise(size, 5 * size);
      const bins = size / 2 + 1;
      const re = new Float64Array(2 * bins);
      const im = new Float64Array(2 * bins);
      realFft(size).forwardPair(a, b, re, im, 0, bins);
      const [outA, outB, alone] = [new Float64Array(size), new Float64Array(size), new Float64Array(size)];
      realFft(size).inversePair(re, im, 0, bins, outA, outB);
      realFft(size).inverse(re, im, bins, alone);
      expect(maxDifference(outA, a)).toBeLessThan(1e-15 * size);
      expect(maxDifference(outB, b)).toBeLessThan(1e-15 * size);
      expect(alone).toEqual(outB);
    }
  });

  it("keeps a silent frame's spectrum exactly zero beside a loud partner, and ignores DC/Nyquist imaginary parts", () => {
    const bins = 1025;
    const re = new Float64Array(2 * bins);
    const im = new Float64Array(2 * bins);
    realFft(2048).forwardPair(
      new Float64Array(2048),
      noise(2048, 9).map((v) => v * 1e6),
      re,
      im,
      0,
      bins,
    );
    expect(re.subarray(0, bins).every((v) => v === 0) && im.subarray(0, bins).every((v) => v === 0)).toBe(
      true,
    );
    const out = new Float64Array(2048);
    const withImaginary = im.slice(bins);
    withImaginary[0] = 5;
    withImaginary[bins - 1] = -5;
    const reference = new Float64Array(2048);
    realFft(2048).inverse(re, im, bins, reference);
    realFft(2048).inverse(re.subarray(bins), withImaginary, 0, out);
    expect(out).toEqual(reference);
  });

  it("frames, windows and transforms straight from a float32 signal exactly as windowing in float64 then forwardPair", () => {
    const signal = Float32Array.from(noise(3000, 11));
    for (const [size, windowLength] of [
      [512, 400],
      [2048, 2048],
    ] as const) {
      const window = noise(windowLength, 13);
      const bins = size / 2 + 1;
      // A frame inside, one hanging off each end, one past the end (silent).
      for (const [startA, startB] of [
        [100, -300],
        [3000 - 200, 3100],
      ] as const) {
        const frame = (start: number) =>
          Float64Array.from({ length: size }, (_, n) =>
            n < windowLength && start + n >= 0 && start + n < signal.length
              ? (window[n] as number) * (signal[start + n] as number)
              : 0,
          );
        const expected = { re: new Float64Array(2 * bins), im: new Float64Array(2 * bins) };
        realFft(size).forwardPair(frame(startA), frame(startB), expected.re, expected.im, 0, bins);
        const re = new Float32Array(2 * bins);
        const im = new Float32Array(2 * bins);
        realFft(size).forwardWindowedPair(signal, startA, startB, window, re, im, 0, bins);
        expect(re).toEqual(Float32Array.from(expected.re));
        expect(im).toEqual(Float32Array.from(expected.im));
      }
    }
  });

  it("masks, inverts and overlap-adds frames exactly as the plain float64 loop does", () => {
    const size = 2048;
    const hop = 512;
    const bins = size / 2 + 1;
    for (const nFrames of [1, 2, 5, 8]) {
      const re = Float32Array.from(noise(nFrames * bins, nFrames));
      const im = Float32Array.from(noise(nFrames * bins, nFrames + 7));
      const mask = Float32Array.from(noise(nFrames * bins, nFrames + 9), Math.abs);
      const window = noise(size, 17);
      const expected = new Float64Array(size + hop * (nFrames - 1));
      const frame = new Float64Array(size);
      for (let t = 0; t < nFrames; t++) {
        const cells = (a: Float32Array) => Float64Array.from(a.subarray(t * bins, (t + 1) * bins));
        const maskT = cells(mask);
        realFft(size).inverse(
          cells(re).map((v, k) => v * (maskT[k] as number)),
          cells(im).map((v, k) => v * (maskT[k] as number)),
          0,
          frame,
        );
        for (let n = 0; n < size; n++)
          expected[t * hop + n] =
            (expected[t * hop + n] as number) + (window[n] as number) * (frame[n] as number);
      }
      const out = new Float64Array(expected.length);
      realFft(size).overlapAddInverse(re, im, mask, nFrames, window, hop, out);
      expect(out).toEqual(expected);
    }
  });

  it("refuses sizes that are not powers of two", () => {
    expect(() => realFft(400)).toThrow(RangeError);
  });
});

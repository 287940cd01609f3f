import { describe, expect, it } from "vitest";
import { medianFilterColumns, medianFilterRows } from "../src/classifier/features/median.js";

/** scipy.ndimage "reflect" written out as mirror steps (d c b a | a b c d | d c b a). */
function mirror(i: number, n: number): number {
  let j = i;
  while (j < 0 || j >= n) j = j < 0 ? -1 - j : 2 * n - 1 - j;
  return j;
}

function naiveMedian(values: number[]): number {
  return [...values].sort((a, b) => a - b)[(values.length - 1) / 2] as number;
}

/** median_filter(x, size=(size, 1) or (1, size), mode="reflect") by sorting every window. */
function naiveFilter(x: Float32Array, rows: number, length: number, size: number, alongRows: boolean) {
  const half = (size - 1) / 2;
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < length; c++) {
      const window = Array.from({ length: size }, (_, s) =>
        alongRows
          ? (x[r * length + mirror(c + s - half, length)] as number)
          : (x[mirror(r + s - half, rows) * length + c] as number),
      );
      out[r * length + c] = naiveMedian(window);
    }
  }
  return out;
}

/** A deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Magnitude-like values: many exact ties and zeros, tiny and huge floats, denormals. */
function magnitudes(next: () => number, count: number): Float32Array {
  const pool = [0, 1e-40, 1e-30, 0.25, 0.5, 1, 3e38];
  return Float32Array.from({ length: count }, () => {
    const u = next();
    if (u < 0.3) return pool[Math.floor(next() * pool.length)] as number;
    return next() * 10 ** (Math.floor(next() * 12) - 6);
  });
}

describe("HPSS sliding medians", () => {
  it("equal a naive sorted-window median with scipy's reflect edges, bit for bit, on random input", () => {
    const next = random(20261129);
    for (let trial = 0; trial < 60; trial++) {
      const rows = 1 + Math.floor(next() * 70);
      const length = 1 + Math.floor(next() * 70);
      const size = [1, 3, 5, 9, 31][trial % 5] as number;
      const x = magnitudes(next, rows * length);
      const shape = { trial, rows, length, size };
      expect({ ...shape, out: Array.from(medianFilterRows(x, rows, length, size)) }).toEqual({
        ...shape,
        out: Array.from(naiveFilter(x, rows, length, size, true)),
      });
      expect({ ...shape, out: Array.from(medianFilterColumns(x, rows, length, size)) }).toEqual({
        ...shape,
        out: Array.from(naiveFilter(x, rows, length, size, false)),
      });
    }
  });

  it("leave their input untouched and refuse an even kernel", () => {
    const x = magnitudes(random(7), 40 * 33);
    const copy = x.slice();
    medianFilterRows(x, 40, 33, 31);
    medianFilterColumns(x, 40, 33, 31);
    expect(x).toEqual(copy);
    expect(() => medianFilterRows(x, 40, 33, 4)).toThrow(RangeError);
  });
});

import { realFft } from "./fft.js";

/**
 * A long FIR followed by integer decimation, by FFT overlap-save in polyphase form:
 * `out[t] = Σ_j taps[j] · x[t·down + shift + j]` for `t < outLength` (`x` reads as 0 outside itself).
 *
 * Directly, 200 taps over a 30 s clip is ~130 M multiply-adds, far too slow in JS. Here the input
 * is split into `down` phases at the output rate, each correlated with its share of the taps, and
 * the phases summed in the frequency domain; the real FFTs run two at a time (two phases of one
 * block forward, two output blocks back). Results differ from direct summation only by float64
 * rounding (~1e-15 relative).
 */
export function decimateCorrelate(
  x: Float32Array,
  shift: number,
  taps: Float64Array,
  down: number,
  outLength: number,
): Float64Array {
  const out = new Float64Array(outLength);
  const phaseTaps = Math.ceil(taps.length / down);
  const size = fftSizeFor(phaseTaps);
  const bins = size / 2 + 1;
  const block = size - phaseTaps + 1;
  const fft = realFft(size);
  const filters = phaseSpectra(taps, down, phaseTaps, size);
  const inputs = [new Float64Array(size), new Float64Array(size)] as const;
  const re = new Float64Array(2 * bins);
  const im = new Float64Array(2 * bins);
  // The summed spectra of output blocks A and B, side by side.
  const sumRe = new Float64Array(2 * bins);
  const sumIm = new Float64Array(2 * bins);
  const results = [new Float64Array(size), new Float64Array(size)] as const;

  for (let start = 0; start < outLength; start += 2 * block) {
    sumRe.fill(0);
    sumIm.fill(0);
    const blocks = start + block < outLength ? 2 : 1;
    for (let half = 0; half < blocks; half++) {
      const blockStart = start + half * block;
      for (let phase = 0; phase < down; phase += 2) {
        const count = Math.min(2, down - phase);
        for (let p = 0; p < count; p++) {
          const input = inputs[p] as Float64Array;
          for (let i = 0, at = blockStart * down + phase + p + shift; i < size; i++, at += down) {
            // Explicit bounds checks: out-of-range typed-array reads are slow paths in V8.
            input[i] = at >= 0 && at < x.length ? (x[at] as number) : 0;
          }
        }
        fft.forwardPair(inputs[0], count === 2 ? inputs[1] : undefined, re, im, 0, bins);
        for (let p = 0; p < count; p++) {
          const h = filters[phase + p] as { re: Float64Array; im: Float64Array };
          for (let k = 0; k < bins; k++) {
            const xr = re[p * bins + k] as number;
            const xi = im[p * bins + k] as number;
            const hr = h.re[k] as number;
            const hi = h.im[k] as number;
            const to = half * bins + k;
            sumRe[to] = (sumRe[to] as number) + xr * hr - xi * hi;
            sumIm[to] = (sumIm[to] as number) + xr * hi + xi * hr;
          }
        }
      }
    }
    fft.inversePair(sumRe, sumIm, 0, bins, results[0], blocks === 2 ? results[1] : undefined);
    // Circular wrap-around pollutes the first phaseTaps-1 results of each block; the rest are exact.
    for (let half = 0; half < blocks; half++) {
      const result = results[half] as Float64Array;
      const blockStart = start + half * block;
      const count = Math.min(block, outLength - blockStart);
      for (let i = 0; i < count; i++) out[blockStart + i] = result[i + phaseTaps - 1] as number;
    }
  }
  return out;
}

/** Spectrum of each phase's taps, reversed (correlation = convolution with the reversed filter). */
function phaseSpectra(
  taps: Float64Array,
  down: number,
  phaseTaps: number,
  size: number,
): { re: Float64Array; im: Float64Array }[] {
  return Array.from({ length: down }, (_, phase) => {
    const reversed = new Float64Array(size);
    for (let j = 0; j * down + phase < taps.length; j++)
      reversed[phaseTaps - 1 - j] = taps[j * down + phase] as number;
    const spectrum = { re: new Float64Array(size / 2 + 1), im: new Float64Array(size / 2 + 1) };
    realFft(size).forward(reversed, spectrum.re, spectrum.im);
    return spectrum;
  });
}

/** Smallest power of two ≥ 8 × taps (≥ 1024): big enough that wrap-around waste stays under 1/8. */
function fftSizeFor(taps: number): number {
  let size = 1024;
  while (size < 8 * taps) size *= 2;
  return size;
}

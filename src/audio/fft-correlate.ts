import FFT from "fft.js";

/**
 * A long FIR followed by integer decimation, by FFT overlap-save in polyphase form:
 * `out[t] = Σ_j taps[j] · x[t·down + shift + j]` for `t < outLength` (`x` reads as 0 outside itself).
 *
 * Directly, 200 taps over a 30 s clip is ~130 M multiply-adds, far too slow in JS. Here the input
 * is split into `down` phases at the output rate, each correlated with its share of the taps, and
 * the phases summed in the frequency domain. Two real phases share one complex FFT (real and
 * imaginary parts, separated by conjugate symmetry), and two output blocks share one inverse FFT.
 * For 44.1 → 22.05 kHz that is 1.5 FFTs per ~1900 outputs. Results differ from direct summation
 * only by float64 rounding (~1e-15 relative).
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
  const block = size - phaseTaps + 1;
  const fft = new FFT(size);
  const pairs = phasePairs(fft, taps, down, phaseTaps);
  const input = new Float64Array(2 * size);
  const spectrum = new Float64Array(2 * size);
  const sum = new Float64Array(2 * size);
  const result = new Float64Array(2 * size);

  for (let start = 0; start < outLength; start += 2 * block) {
    sum.fill(0);
    // Output block A accumulates as the real signal, block B (one block later) as the imaginary.
    for (let half = 0; half < 2; half++) {
      const blockStart = start + half * block;
      if (blockStart >= outLength) break;
      for (const { phase, p, q } of pairs) {
        for (let i = 0; i < size; i++) {
          const at = (blockStart + i) * down + phase + shift;
          // Explicit bounds checks: out-of-range typed-array reads are slow paths in V8.
          input[2 * i] = at >= 0 && at < x.length ? (x[at] as number) : 0;
          input[2 * i + 1] = phase + 1 < down && at + 1 >= 0 && at + 1 < x.length ? (x[at + 1] as number) : 0;
        }
        fft.transform(spectrum, input);
        for (let k = 0; k < size; k++) {
          const mirror = 2 * ((size - k) % size);
          const zr = spectrum[2 * k] as number;
          const zi = spectrum[2 * k + 1] as number;
          const cr = spectrum[mirror] as number; // conj(Z[-k])
          const ci = -(spectrum[mirror + 1] as number);
          const pr = p[2 * k] as number;
          const pi = p[2 * k + 1] as number;
          const qr = q[2 * k] as number;
          const qi = q[2 * k + 1] as number;
          const yr = zr * pr - zi * pi + cr * qr - ci * qi;
          const yi = zr * pi + zi * pr + cr * qi + ci * qr;
          if (half === 0) {
            sum[2 * k] = (sum[2 * k] as number) + yr;
            sum[2 * k + 1] = (sum[2 * k + 1] as number) + yi;
          } else {
            sum[2 * k] = (sum[2 * k] as number) - yi; // + i·Y
            sum[2 * k + 1] = (sum[2 * k + 1] as number) + yr;
          }
        }
      }
    }
    fft.inverseTransform(result, sum);
    // Circular wrap-around pollutes the first phaseTaps-1 results of each block; the rest are exact.
    for (let i = 0; i < block; i++) {
      const a = start + i;
      const b = a + block;
      if (a < outLength) out[a] = result[2 * (i + phaseTaps - 1)] as number;
      if (b < outLength) out[b] = result[2 * (i + phaseTaps - 1) + 1] as number;
    }
  }
  return out;
}

/**
 * For phases (r, r+1) packed as Z = FFT(x_r + i·x_{r+1}): X_r = (Z + Zc)/2, X_{r+1} = (Z − Zc)/2i
 * with Zc[k] = conj(Z[−k]), so X_r·H_r + X_{r+1}·H_{r+1} = Z·P + Zc·Q with
 * P = (H_r − i·H_{r+1})/2 and Q = (H_r + i·H_{r+1})/2, precomputed once.
 */
function phasePairs(
  fft: FFT,
  taps: Float64Array,
  down: number,
  phaseTaps: number,
): { phase: number; p: Float64Array; q: Float64Array }[] {
  const size = fft.size;
  const pairs = [];
  for (let phase = 0; phase < down; phase += 2) {
    const h0 = phaseSpectrum(fft, taps, down, phaseTaps, phase);
    const h1 =
      phase + 1 < down ? phaseSpectrum(fft, taps, down, phaseTaps, phase + 1) : new Float64Array(2 * size);
    const p = new Float64Array(2 * size);
    const q = new Float64Array(2 * size);
    for (let k = 0; k < size; k++) {
      const [ar, ai, br, bi] = [h0[2 * k], h0[2 * k + 1], h1[2 * k], h1[2 * k + 1]] as number[] as [
        number,
        number,
        number,
        number,
      ];
      p[2 * k] = (ar + bi) / 2;
      p[2 * k + 1] = (ai - br) / 2;
      q[2 * k] = (ar - bi) / 2;
      q[2 * k + 1] = (ai + br) / 2;
    }
    pairs.push({ phase, p, q });
  }
  return pairs;
}

/** Spectrum of one phase's taps, reversed (correlation = convolution with the reversed filter). */
function phaseSpectrum(
  fft: FFT,
  taps: Float64Array,
  down: number,
  phaseTaps: number,
  phase: number,
): Float64Array {
  const reversed = new Float64Array(2 * fft.size);
  for (let j = 0; j * down + phase < taps.length; j++) {
    reversed[2 * (phaseTaps - 1 - j)] = taps[j * down + phase] as number;
  }
  const spectrum = new Float64Array(2 * fft.size);
  fft.transform(spectrum, reversed);
  return spectrum;
}

/** Smallest power of two ≥ 8 × taps (≥ 1024): big enough that wrap-around waste stays under 1/8. */
function fftSizeFor(taps: number): number {
  let size = 1024;
  while (size < 8 * taps) size *= 2;
  return size;
}

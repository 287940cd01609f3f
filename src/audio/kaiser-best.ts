/**
 * resampy 0.4.2's `kaiser_best` filter, the one librosa 0.9.2 resamples with by default.
 *
 * resampy ships it as a precomputed table: the right half of a Kaiser-windowed sinc, sampled
 * `TABLE_PER_ZERO` times per zero crossing. Regenerating it from the rounded parameters below
 * reproduces the shipped table to ~1e-7, far below what the features can notice.
 *
 * Quality, measured on the 44.1 → 22.05 kHz filter this produces: flat to ±0.05 dB up to 9.5 kHz,
 * −6 dB at 10.11 kHz (rolloff × output Nyquist), ≥ 125 dB attenuation from 11.025 kHz (output
 * Nyquist) upwards, so nothing aliases audibly or measurably into the features.
 */
const NUM_ZEROS = 50;
export const TABLE_PER_ZERO = 2 ** 13;
const ROLLOFF = 0.917347;
const KAISER_BETA = 12.9846;

/** Modified Bessel function of the first kind, order 0, by its power series (converges fast for x ≤ 13). */
function besselI0(x: number): number {
  const quarterSquare = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; term > sum * 1e-17; k++) {
    term *= quarterSquare / (k * k);
    sum += term;
  }
  return sum;
}

/** Entries in resampy's table: `NUM_ZEROS · TABLE_PER_ZERO + 1`. */
export const KAISER_BEST_LENGTH = NUM_ZEROS * TABLE_PER_ZERO + 1;
const I0_BETA = besselI0(KAISER_BETA);
const entries = new Float64Array(KAISER_BEST_LENGTH).fill(Number.NaN);

/**
 * Table entry `i` ↔ filter time `i / TABLE_PER_ZERO` zero crossings:
 * `rolloff · sinc(rolloff · t) · kaiser(t)`. Computed on first use and remembered: a ratio needs
 * only the entries its phases land on (≈200 for 44.1 → 22.05 kHz, ≈64 k for 48 kHz), so building
 * all 409 601 up front (~0.25 s of Bessel series) would be wasted start-up time in every worker.
 */
export function kaiserBestEntry(i: number): number {
  const cached = entries[i] as number;
  if (!Number.isNaN(cached)) return cached;
  const n = KAISER_BEST_LENGTH - 1;
  let value = ROLLOFF;
  if (i > 0) {
    const t = (i / n) * NUM_ZEROS; // numpy linspace(0, num_zeros, n + 1)
    const arg = Math.PI * ROLLOFF * t;
    const r = i / n; // position within the right half of a symmetric Kaiser window of length 2n+1
    const taper = besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - r * r))) / I0_BETA;
    value = ROLLOFF * (Math.sin(arg) / arg) * taper;
  }
  entries[i] = value;
  return value;
}

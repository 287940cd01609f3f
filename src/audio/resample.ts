import { decimateCorrelate } from "./fft-correlate.js";
import { kaiserBestTable, TABLE_PER_ZERO } from "./kaiser-best.js";

/**
 * Sample-rate conversion exactly as librosa 0.9.2's `librosa.resample(y, orig_sr, target_sr)`
 * with its default `res_type="kaiser_best"`: resampy 0.4.2's band-limited interpolation, then
 * `fix_length` to `ceil(n · target / orig)` samples (resampy yields `floor`, librosa zero-pads).
 *
 * resampy evaluates, for output `t` at input time `t · orig/target`, a windowed sinc read from a
 * table with linear interpolation between entries. For a rational ratio `up/down` (in lowest
 * terms) there are only `up` distinct sub-sample positions, so the weights form `up` fixed
 * polyphase filters, computed once per ratio and cached. When `up = 1` (44.1 kHz → 22.05 kHz,
 * the common MP3 preview case) it is one filter applied at a stride, done by FFT.
 * Matches librosa's output to ~1e-7 (float rounding; resampy accumulates in float32).
 *
 * Returns `x` itself when the rates are equal, as librosa does.
 */
export function resample(x: Float32Array, srIn: number, srOut: number): Float32Array {
  if (!(Number.isInteger(srIn) && srIn > 0 && Number.isInteger(srOut) && srOut > 0)) {
    throw new RangeError(`Sample rates must be positive integers, got ${srIn} → ${srOut}`);
  }
  if (srIn === srOut) return x;
  const plan = planFor(srIn, srOut);
  // librosa: int(np.ceil(n * ratio)); resampy: int(n * sr_new / sr_orig). Same float arithmetic.
  const librosaLength = Math.ceil(x.length * (srOut / srIn));
  const resampyLength = Math.floor((x.length * srOut) / srIn);
  const y = new Float32Array(librosaLength);
  if (resampyLength > 0) filterInto(y.subarray(0, resampyLength), x, plan);
  return y;
}

/** One ratio's filters: phase `p` serves outputs whose input time is `n + p/up`. */
interface Plan {
  up: number;
  down: number;
  /** How far any filter reaches before or after `n`: the zero padding the input needs. */
  reach: number;
  /** All phases' taps, precomputed; absent for ratios with too many phases to tabulate. */
  bank?: FilterBank;
}

interface PhaseFilter {
  taps: Float64Array;
  /** Input index of tap 0 relative to `n`. */
  firstOffset: number;
}

/** Every phase's taps aligned to one common start offset and length, so the inner loop is uniform. */
interface FilterBank {
  taps: Float64Array; // phase p at [p * stride, (p + 1) * stride)
  stride: number;
  firstOffset: number;
}

/** Above this many phases (odd rates such as 44 056 Hz) a table would be huge: compute per output instead. */
const MAX_CACHED_PHASES = 4096;
const plans = new Map<string, Plan>();

function planFor(srIn: number, srOut: number): Plan {
  const divisor = gcd(srIn, srOut);
  const up = srOut / divisor;
  const down = srIn / divisor;
  const key = `${up}/${down}`;
  const cached = plans.get(key);
  if (cached) return cached;
  const reach = Math.ceil(kaiserBestTable().length / indexStepFor(up, down)) + 1;
  if (up > MAX_CACHED_PHASES) return { up, down, reach };
  const plan: Plan = { up, down, reach, bank: filterBank(up, down) };
  plans.set(key, plan);
  return plan;
}

function filterBank(up: number, down: number): FilterBank {
  const filters = Array.from({ length: up }, (_, p) => phaseFilter(up, down, p));
  const firstOffset = Math.min(...filters.map((f) => f.firstOffset));
  const stride = Math.max(...filters.map((f) => f.firstOffset - firstOffset + f.taps.length));
  const taps = new Float64Array(up * stride);
  filters.forEach((f, p) => {
    taps.set(f.taps, p * stride + f.firstOffset - firstOffset);
  });
  return { taps, stride, firstOffset };
}

function indexStepFor(up: number, down: number): number {
  return Math.trunc(Math.min(1, up / down) * TABLE_PER_ZERO);
}

/**
 * resampy's `resample_f` weights for an output whose input time is `n + phase/up`, as one
 * filter over `x[n + firstOffset …]` (left wing reversed, then right wing). Boundary truncation
 * in resampy (`min(n + 1, …)`, `min(n_orig - n - 1, …)`) equals zero padding the input.
 */
function phaseFilter(up: number, down: number, phase: number): { taps: Float64Array; firstOffset: number } {
  const table = kaiserBestTable();
  const nwin = table.length;
  const scale = Math.min(1, up / down);
  const indexStep = indexStepFor(up, down);
  const weight = (frac: number, i: number): number => {
    const indexFrac = frac * TABLE_PER_ZERO;
    const offset = Math.trunc(indexFrac);
    const eta = indexFrac - offset;
    const at = offset + i * indexStep;
    const next = at + 1 < nwin ? (table[at + 1] as number) : (table[at] as number); // resampy: last delta is 0
    return scale * ((table[at] as number) + eta * (next - (table[at] as number)));
  };
  const wingLength = (frac: number): number =>
    Math.trunc((nwin - Math.trunc(frac * TABLE_PER_ZERO)) / indexStep);

  const leftFrac = scale * (phase / up);
  const rightFrac = scale - leftFrac;
  const left = wingLength(leftFrac);
  const right = wingLength(rightFrac);
  const taps = new Float64Array(left + right);
  for (let i = 0; i < left; i++) taps[left - 1 - i] = weight(leftFrac, i); // x[n - i]
  for (let k = 0; k < right; k++) taps[left + k] = weight(rightFrac, k); // x[n + 1 + k]
  return { taps, firstOffset: 1 - left };
}

function filterInto(y: Float32Array, x: Float32Array, plan: Plan): void {
  const { up, down, reach, bank } = plan;
  if (up === 1 && bank) {
    decimateByFft(y, x, { taps: bank.taps, firstOffset: bank.firstOffset }, down);
    return;
  }
  const padded = new Float32Array(reach + x.length + reach);
  padded.set(x, reach);
  for (let t = 0; t < y.length; t++) {
    const position = t * down;
    const n = Math.floor(position / up);
    const phase = position - n * up;
    let sum = 0;
    if (bank) {
      const { taps, stride } = bank;
      const tapStart = phase * stride;
      const inputStart = reach + n + bank.firstOffset;
      for (let j = 0; j < stride; j++)
        sum += (taps[tapStart + j] as number) * (padded[inputStart + j] as number);
    } else {
      const { taps, firstOffset } = phaseFilter(up, down, phase);
      const inputStart = reach + n + firstOffset;
      for (let j = 0; j < taps.length; j++) sum += (taps[j] as number) * (padded[inputStart + j] as number);
    }
    y[t] = sum;
  }
}

/** Integer decimation (`up = 1`): a single filter applied at a stride, by polyphase FFT. */
function decimateByFft(y: Float32Array, x: Float32Array, filter: PhaseFilter, down: number): void {
  y.set(decimateCorrelate(x, filter.firstOffset, filter.taps, down, y.length));
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

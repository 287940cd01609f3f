import { decimateCorrelate } from "./fft-correlate.js";
import { KAISER_BEST_LENGTH, kaiserBestEntry, TABLE_PER_ZERO } from "./kaiser-best.js";
import { reserve, withWasm } from "./wasm.js";

/**
 * Sample-rate conversion exactly as librosa 0.9.2's `librosa.resample(y, orig_sr, target_sr)`
 * with its default `res_type="kaiser_best"`: resampy 0.4.2's band-limited interpolation, then
 * `fix_length` to `ceil(n · target / orig)` samples (resampy yields `floor`, librosa zero-pads).
 *
 * resampy evaluates, for output `t` at input time `t · orig/target`, a windowed sinc read from a
 * table with linear interpolation between entries. For a rational ratio `up/down` (in lowest
 * terms) there are only `up` distinct sub-sample positions, so the weights form `up` fixed
 * polyphase filters, computed once per ratio and cached. When `up = 1` (44.1 kHz → 22.05 kHz,
 * the common MP3 preview case) it is one filter applied at a stride, done by FFT; otherwise
 * (44.1 → 16 kHz: 160 phases) the taps run directly, four at a time in WebAssembly SIMD.
 * Matches librosa to 4.2e-7 max abs on the reference vector (float rounding: resampy accumulates
 * in float32, its shipped table differs from the regenerated one by ~1e-7).
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

/**
 * One ratio's filters, every phase aligned to one common start offset and length so the inner
 * loop is uniform: phase `p` (outputs whose input time is `n + p/up`) reads
 * `x[n + firstOffset …]` with taps `[p · stride, (p + 1) · stride)`.
 */
interface Plan {
  up: number;
  down: number;
  taps: Float64Array;
  /** The taps in float32 for the SIMD loop (resampy's own accumulation is float32). */
  taps32: Float32Array;
  stride: number;
  firstOffset: number;
}

interface PhaseFilter {
  taps: Float64Array;
  /** Input index of tap 0 relative to `n`. */
  firstOffset: number;
}

/** Common rate pairs have few phases (147 for 48 kHz) and stay cached; odd rates (44 101 Hz) get a one-off bank. */
const MAX_CACHED_PHASES = 4096;
/** Beyond this the bank would pass ~100 MB; no real pair of rates with a 22 050 Hz side gets near it. */
const MAX_PHASES = 65_536;
const plans = new Map<string, Plan>();

function planFor(srIn: number, srOut: number): Plan {
  const divisor = gcd(srIn, srOut);
  const up = srOut / divisor;
  const down = srIn / divisor;
  const key = `${up}/${down}`;
  const cached = plans.get(key);
  if (cached) return cached;
  if (up > MAX_PHASES) throw new RangeError(`Cannot resample ${srIn} → ${srOut} Hz: ${up} filter phases`);
  const filters = Array.from({ length: up }, (_, p) => phaseFilter(up, down, p));
  const firstOffset = filters.reduce((min, f) => Math.min(min, f.firstOffset), 0);
  const longest = filters.reduce((max, f) => Math.max(max, f.firstOffset - firstOffset + f.taps.length), 0);
  const stride = Math.ceil(longest / 4) * 4; // zero taps round it up for the 4-way unrolled loop
  const taps = new Float64Array(up * stride);
  filters.forEach((f, p) => {
    taps.set(f.taps, p * stride + f.firstOffset - firstOffset);
  });
  const plan: Plan = { up, down, taps, taps32: Float32Array.from(taps), stride, firstOffset };
  if (up <= MAX_CACHED_PHASES) plans.set(key, plan);
  return plan;
}

function indexStepFor(up: number, down: number): number {
  return Math.trunc(Math.min(1, up / down) * TABLE_PER_ZERO);
}

/**
 * resampy's `resample_f` weights for an output whose input time is `n + phase/up`, as one
 * filter over `x[n + firstOffset …]` (left wing reversed, then right wing). Boundary truncation
 * in resampy (`min(n + 1, …)`, `min(n_orig - n - 1, …)`) equals zero padding the input.
 */
function phaseFilter(up: number, down: number, phase: number): PhaseFilter {
  const nwin = KAISER_BEST_LENGTH;
  const scale = Math.min(1, up / down);
  const indexStep = indexStepFor(up, down);
  const weight = (frac: number, i: number): number => {
    const indexFrac = frac * TABLE_PER_ZERO;
    const offset = Math.trunc(indexFrac);
    const eta = indexFrac - offset;
    const at = offset + i * indexStep;
    const here = kaiserBestEntry(at);
    const next = at + 1 < nwin ? kaiserBestEntry(at + 1) : here; // resampy: last delta is 0
    return scale * (here + eta * (next - here));
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
  const { up, down, taps, taps32, stride, firstOffset } = plan;
  if (up === 1) {
    // Integer decimation: a single filter applied at a stride, by polyphase FFT.
    y.set(decimateCorrelate(x, firstOffset, taps, down, y.length));
    return;
  }
  // Output t reads x[⌊t · down / up⌋ + firstOffset …]: zeros before x stand in for resampy's
  // truncation, and `stride` zeros after it for the last outputs' right wings.
  withWasm(POLYPHASE_WASM, (wasm: PolyphaseModule) => {
    const xAt = taps32.byteLength;
    const outAt = xAt + 4 * (-firstOffset + x.length + stride);
    const heap = new Float32Array(reserve(wasm.memory, outAt + y.byteLength));
    heap.set(taps32, 0);
    heap.fill(0, xAt / 4, outAt / 4);
    heap.set(x, xAt / 4 - firstOffset);
    wasm.polyphase(xAt, 0, outAt, y.length, up, down, stride);
    y.set(heap.subarray(outAt / 4, outAt / 4 + y.length));
  });
}

const POLYPHASE_WASM = new URL("./polyphase.wasm", import.meta.url);

/** polyphase.wat: the direct polyphase loop in float32 SIMD. */
interface PolyphaseModule {
  memory: WebAssembly.Memory;
  polyphase(
    x: number,
    taps: number,
    out: number,
    nOut: number,
    up: number,
    down: number,
    stride: number,
  ): void;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

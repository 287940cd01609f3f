import { loadWasm, reserve } from "./wasm.js";

/**
 * numpy.fft.rfft / irfft of power-of-two sizes in float64, the one FFT of the project (STFT and
 * inverse STFT, the tempogram, the models' front ends). Results equal numpy's to float64
 * rounding (~1e-16 relative to the largest value).
 *
 * The arithmetic is WebAssembly SIMD (fft.wat): a real transform of n points is one complex
 * transform of n/2 points on the even and odd samples, separated by conjugate symmetry, and two
 * independent transforms run in the two float64 lanes of every vector, so the *Pair methods cost
 * about as much as one transform. The lanes never mix: a silent frame keeps an exactly zero
 * spectrum whatever its partner holds.
 */

type Samples = Float64Array | Float32Array;

interface FftModule {
  memory: WebAssembly.Memory;
  permute(re: number, im: number, m: number, reversed: number): void;
  complex(re: number, im: number, m: number, twiddles: number): void;
  realForward(re: number, im: number, m: number, cosSin: number): void;
  realInverse(re: number, im: number, m: number, cosSin: number): void;
  loadFrames(a: number, b: number, re: number, im: number, m: number, reversed: number): void;
  lanes(
    re: number,
    im: number,
    count: number,
    reA: number,
    imA: number,
    reB: number,
    imB: number,
    merge: number,
  ): void;
  storeFrames(re: number, im: number, m: number, scale: number, a: number, b: number): void;
  loadWindowed(a: number, b: number, w: number, re: number, im: number, m: number, reversed: number): void;
  lanesFloat32(
    re: number,
    im: number,
    count: number,
    reA: number,
    imA: number,
    reB: number,
    imB: number,
  ): void;
  maskedMerge(re: number, im: number, count: number, a: number, b: number): void;
  overlapAdd(acc: number, w: number, x: number, size: number): void;
}

let module: FftModule | undefined;
/** Bytes of the module's memory handed out so far (tables and buffers live as long as the process). */
let allocated = 0;

/** One instance for the process: its memory holds only tables and buffers of a few frames. */
function fftModule(): FftModule {
  module ??= loadWasm<FftModule>(new URL("./fft.wasm", import.meta.url));
  return module;
}

/** `bytes` of the module's memory, 16-byte aligned, for good. */
function allocate(bytes: number): number {
  const at = allocated;
  allocated += Math.ceil(bytes / 16) * 16;
  reserve(fftModule().memory, allocated);
  return at;
}

/** Each value twice (both lanes), as the module's tables hold them. */
function splat(values: readonly number[]): Float64Array {
  return Float64Array.from({ length: 2 * values.length }, (_, i) => values[i >> 1] as number);
}

export class RealFft {
  readonly size: number;
  /** Complex points of the inner transform: size / 2. */
  private readonly m: number;
  private readonly re: number;
  private readonly im: number;
  private readonly reversedAt: number;
  private readonly twiddlesAt: number;
  private readonly cosSinAt: number;
  /** Two frames of `size` samples, and four half spectra (re, im of A and of B), plain float64. */
  private readonly frameA: number;
  private readonly frameB: number;
  private readonly halves: readonly [number, number, number, number];
  private heap = new Float64Array(0);
  private heap32 = new Float32Array(0);
  /** Float32 buffers of the STFT paths, allocated on first use (see `stftBuffers`). */
  private stftAt:
    | { frames: [number, number]; halves: [number, number, number, number]; masked: [number, number] }
    | undefined;
  /**
   * Each window the STFT paths were given, zero-padded to `size` float64 values in the module's
   * memory, for the life of the process: callers pass the same few arrays (hannWindow caches them).
   */
  private readonly windows = new Map<Float64Array, number>();
  /** Overlap-add accumulators by length (float64). */
  private readonly accumulators = new Map<number, number>();

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 2 || (size & (size - 1)) !== 0 || size > 2 ** 22)
      throw new RangeError(`FFT size must be a power of two from 2 to 2^22, not ${size}`);
    this.size = size;
    const m = size / 2;
    this.m = m;
    const bits = 31 - Math.clz32(m);
    const reversed = Uint32Array.from({ length: m }, (_, i) => {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      return r;
    });
    const twiddles: number[] = [];
    for (let quarter = bits % 2 === 1 ? 2 : 4; 4 * quarter <= m; quarter *= 4) {
      for (let j = 0; j < quarter; j++) {
        const angle = (Math.PI * j) / quarter;
        twiddles.push(Math.cos(angle), Math.sin(angle), Math.cos(angle / 2), Math.sin(angle / 2));
      }
    }
    const cosSin: number[] = [];
    for (let k = 0; k <= m / 2; k++) {
      const angle = (2 * Math.PI * k) / size;
      cosSin.push(Math.cos(angle), Math.sin(angle));
    }
    this.re = allocate(16 * (m + 1));
    this.im = allocate(16 * (m + 1));
    this.reversedAt = allocate(4 * m);
    this.twiddlesAt = allocate(16 * twiddles.length);
    this.cosSinAt = allocate(16 * cosSin.length);
    this.frameA = allocate(8 * size);
    this.frameB = allocate(8 * size);
    this.halves = [0, 0, 0, 0].map(() => allocate(8 * (m + 1))) as unknown as [
      number,
      number,
      number,
      number,
    ];
    const buffer = fftModule().memory.buffer;
    new Uint32Array(buffer, this.reversedAt, m).set(reversed);
    new Float64Array(buffer, this.twiddlesAt, 2 * twiddles.length).set(splat(twiddles));
    new Float64Array(buffer, this.cosSinAt, 2 * cosSin.length).set(splat(cosSin));
  }

  /** The module's memory as float64 (a fresh view after any growth). */
  private view(): Float64Array {
    const buffer = fftModule().memory.buffer;
    if (this.heap.buffer !== buffer) this.heap = new Float64Array(buffer);
    return this.heap;
  }

  /** The module's memory as float32 (a fresh view after any growth). */
  private view32(): Float32Array {
    const buffer = fftModule().memory.buffer;
    if (this.heap32.buffer !== buffer) this.heap32 = new Float32Array(buffer);
    return this.heap32;
  }

  private stftBuffers(): NonNullable<RealFft["stftAt"]> {
    const bins = this.m + 1;
    this.stftAt ??= {
      frames: [allocate(4 * this.size), allocate(4 * this.size)],
      halves: [allocate(4 * bins), allocate(4 * bins), allocate(4 * bins), allocate(4 * bins)],
      // re, im and mask of frame A, then of frame B, `bins` float32 each (maskedMerge's layout).
      masked: [allocate(12 * bins), allocate(12 * bins)],
    };
    return this.stftAt;
  }

  private windowAt(window: Float64Array): number {
    let at = this.windows.get(window);
    if (at === undefined) {
      if (window.length > this.size)
        throw new RangeError(`A window of ${window.length} does not fit ${this.size}`);
      at = allocate(8 * this.size); // fresh memory is zero: the padding past the window
      this.view().set(window, at / 8);
      this.windows.set(window, at);
    }
    return at;
  }

  /**
   * samples[start, start + length) into the float32 buffer at `at` (`size` values), zero outside
   * the signal and from `length` on: one frame of a (centre-padded) STFT, before its window.
   */
  private loadFrame(samples: Float32Array, start: number, length: number, at: number): void {
    const heap = this.view32();
    const from = Math.max(0, -start);
    const to = Math.min(length, samples.length - start);
    if (from === 0 && to === this.size) {
      heap.set(samples.subarray(start, start + to), at / 4);
      return;
    }
    heap.fill(0, at / 4, at / 4 + this.size);
    if (to > from) heap.set(samples.subarray(start + from, start + to), at / 4 + from);
  }

  /**
   * Two frames of a short-time Fourier transform, straight from the signal: frame A is
   * samples[startA, startA + window.length) (zeros where that runs past either end, and up to
   * `size`), times `window`, then `forward`; its bins rounded to float32 (complex64, as librosa
   * keeps an STFT) into re/im from offsetA. Frame B likewise from startB into offsetB; startB
   * undefined transforms A alone. Equal to windowing in float64 and calling `forwardPair`.
   */
  forwardWindowedPair(
    samples: Float32Array,
    startA: number,
    startB: number | undefined,
    window: Float64Array,
    re: Float32Array,
    im: Float32Array,
    offsetA: number,
    offsetB: number,
  ): void {
    const { m } = this;
    const { frames, halves } = this.stftBuffers();
    const windowAt = this.windowAt(window);
    this.loadFrame(samples, startA, window.length, frames[0]);
    if (startB === undefined) this.view32().fill(0, frames[1] / 4, frames[1] / 4 + this.size);
    else this.loadFrame(samples, startB, window.length, frames[1]);
    const wasm = fftModule();
    wasm.loadWindowed(frames[0], frames[1], windowAt, this.re, this.im, m, this.reversedAt);
    wasm.complex(this.re, this.im, m, this.twiddlesAt);
    wasm.realForward(this.re, this.im, m, this.cosSinAt);
    wasm.lanesFloat32(this.re, this.im, m + 1, ...halves);
    const heap = this.view32();
    const bins = (at: number) => heap.subarray(at / 4, at / 4 + m + 1);
    re.set(bins(halves[0]), offsetA);
    im.set(bins(halves[1]), offsetA);
    if (startB === undefined) return;
    re.set(bins(halves[2]), offsetB);
    im.set(bins(halves[3]), offsetB);
  }

  /**
   * The work of an inverse STFT before its normalisation: frame t (t < nFrames) of the frame-major
   * half spectra re/im (size/2 + 1 bins each) times the same cells of `mask`, through `inverse`,
   * times `window`, added into `out` from t·hop (`out` holds (nFrames − 1)·hop + size samples and
   * starts at zero). Frames are added in order, so every sample equals the plain float64 loop's.
   * The sum is kept in a small accumulator in the module's memory and copied out as it completes.
   */
  overlapAddInverse(
    re: Float32Array,
    im: Float32Array,
    mask: Float32Array,
    nFrames: number,
    window: Float64Array,
    hop: number,
    out: Float64Array,
  ): void {
    const { m, size, frameA, frameB } = this;
    if (hop > size) throw new RangeError(`A hop of ${hop} leaves gaps between frames of ${size}`);
    const bins = m + 1;
    const { masked } = this.stftBuffers();
    const windowAt = this.windowAt(window);
    // A pair of frames from t·hop covers [t·hop, t·hop + hop + size); afterwards the first
    // 2·hop samples of that are final.
    const accLength = size + hop;
    let acc = this.accumulators.get(accLength);
    if (acc === undefined) {
      acc = allocate(8 * accLength);
      this.accumulators.set(accLength, acc);
    }
    this.view().fill(0, acc / 8, acc / 8 + accLength);
    const wasm = fftModule();
    // Frame t's re, im and mask cells, one after another, into the float32 buffer at `at` (maskedMerge's layout).
    const loadMasked = (t: number, at: number) => {
      const heap32 = this.view32();
      const cell = t * bins;
      heap32.set(re.subarray(cell, cell + bins), at / 4);
      heap32.set(im.subarray(cell, cell + bins), at / 4 + bins);
      heap32.set(mask.subarray(cell, cell + bins), at / 4 + 2 * bins);
    };
    for (let t = 0; t < nFrames; t += 2) {
      const pair = t + 1 < nFrames;
      loadMasked(t, masked[0]);
      if (pair) loadMasked(t + 1, masked[1]);
      else this.view32().fill(0, masked[1] / 4, masked[1] / 4 + 3 * bins);
      wasm.maskedMerge(this.re, this.im, bins, masked[0], masked[1]);
      wasm.realInverse(this.re, this.im, m, this.cosSinAt);
      wasm.permute(this.re, this.im, m, this.reversedAt);
      wasm.complex(this.re, this.im, m, this.twiddlesAt);
      wasm.storeFrames(this.re, this.im, m, 1 / m, frameA, frameB);
      wasm.overlapAdd(acc, windowAt, frameA, size);
      if (pair) wasm.overlapAdd(acc + 8 * hop, windowAt, frameB, size);
      const heap = this.view();
      const base = t * hop;
      const last = t + 2 >= nFrames;
      const done = Math.min(last ? accLength : 2 * hop, out.length - base);
      out.set(heap.subarray(acc / 8, acc / 8 + done), base);
      if (last) break;
      heap.copyWithin(acc / 8, acc / 8 + 2 * hop, acc / 8 + accLength);
      heap.fill(0, acc / 8 + accLength - 2 * hop, acc / 8 + accLength);
    }
  }

  /** numpy.fft.rfft(input): bins 0 … size/2 into re/im from `offset`. */
  forward(input: Samples, re: Samples, im: Samples, offset = 0): void {
    this.forwardPair(input, undefined, re, im, offset, 0);
  }

  /**
   * `forward` of two frames at once, into re/im from offsetA and from offsetB; `b` undefined
   * transforms `a` alone.
   */
  forwardPair(
    a: Samples,
    b: Samples | undefined,
    re: Samples,
    im: Samples,
    offsetA: number,
    offsetB: number,
  ): void {
    const { m, size, frameA, frameB, halves } = this;
    const heap = this.view();
    heap.set(a.length === size ? a : a.subarray(0, size), frameA / 8);
    if (b) heap.set(b.length === size ? b : b.subarray(0, size), frameB / 8);
    else heap.fill(0, frameB / 8, frameB / 8 + size);
    const wasm = fftModule();
    wasm.loadFrames(frameA, frameB, this.re, this.im, m, this.reversedAt);
    wasm.complex(this.re, this.im, m, this.twiddlesAt);
    wasm.realForward(this.re, this.im, m, this.cosSinAt);
    wasm.lanes(this.re, this.im, m + 1, ...halves, 0);
    const bins = (at: number) => heap.subarray(at / 8, at / 8 + m + 1);
    re.set(bins(halves[0]), offsetA);
    im.set(bins(halves[1]), offsetA);
    if (!b) return;
    re.set(bins(halves[2]), offsetB);
    im.set(bins(halves[3]), offsetB);
  }

  /**
   * numpy.fft.irfft(spectrum, n=size) of bins 0 … size/2 of re/im from `offset`, into `out`.
   * Like numpy, the imaginary parts of the DC and Nyquist bins are ignored.
   */
  inverse(re: Samples, im: Samples, offset: number, out: Float64Array): void {
    this.inversePair(re, im, offset, -1, out, undefined);
  }

  /** `inverse` of the half spectra at offsetA and offsetB into outA and outB (outB undefined: A alone). */
  inversePair(
    re: Samples,
    im: Samples,
    offsetA: number,
    offsetB: number,
    outA: Float64Array,
    outB: Float64Array | undefined,
  ): void {
    const { m, size, frameA, frameB, halves } = this;
    const heap = this.view();
    heap.set(re.subarray(offsetA, offsetA + m + 1), halves[0] / 8);
    heap.set(im.subarray(offsetA, offsetA + m + 1), halves[1] / 8);
    if (outB) {
      heap.set(re.subarray(offsetB, offsetB + m + 1), halves[2] / 8);
      heap.set(im.subarray(offsetB, offsetB + m + 1), halves[3] / 8);
    } else {
      heap.fill(0, halves[2] / 8, halves[2] / 8 + m + 1);
      heap.fill(0, halves[3] / 8, halves[3] / 8 + m + 1);
    }
    const wasm = fftModule();
    wasm.lanes(this.re, this.im, m + 1, ...halves, 1);
    wasm.realInverse(this.re, this.im, m, this.cosSinAt);
    wasm.permute(this.re, this.im, m, this.reversedAt);
    wasm.complex(this.re, this.im, m, this.twiddlesAt);
    wasm.storeFrames(this.re, this.im, m, 1 / m, frameA, frameB);
    outA.set(heap.subarray(frameA / 8, frameA / 8 + size));
    if (outB) outB.set(heap.subarray(frameB / 8, frameB / 8 + size));
  }
}

const instances = new Map<number, RealFft>();

/** One shared RealFft per size: its tables are built once and its buffers reused. */
export function realFft(size: number): RealFft {
  let instance = instances.get(size);
  if (!instance) {
    instance = new RealFft(size);
    instances.set(size, instance);
  }
  return instance;
}

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

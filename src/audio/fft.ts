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
}

let module: FftModule | undefined;
/** Bytes of the module's memory handed out so far (tables and buffers live as long as the process). */
let allocated = 0;

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
  private readonly reversed: Uint32Array;
  private readonly re: number;
  private readonly im: number;
  private readonly reversedAt: number;
  private readonly twiddlesAt: number;
  private readonly cosSinAt: number;
  private heap = new Float64Array(0);

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 2 || (size & (size - 1)) !== 0 || size > 2 ** 22)
      throw new RangeError(`FFT size must be a power of two from 2 to 2^22, not ${size}`);
    this.size = size;
    const m = size / 2;
    this.m = m;
    const bits = 31 - Math.clz32(m);
    this.reversed = Uint32Array.from({ length: m }, (_, i) => {
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
    const buffer = fftModule().memory.buffer;
    new Uint32Array(buffer, this.reversedAt, m).set(this.reversed);
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
    const { m, reversed } = this;
    const heap = this.view();
    const zr = this.re / 8;
    const zi = this.im / 8;
    for (let i = 0; i < m; i++) {
      const j = 2 * (reversed[i] as number);
      heap[zr + j] = a[2 * i] as number;
      heap[zi + j] = a[2 * i + 1] as number;
      heap[zr + j + 1] = b ? (b[2 * i] as number) : 0;
      heap[zi + j + 1] = b ? (b[2 * i + 1] as number) : 0;
    }
    const wasm = fftModule();
    wasm.complex(this.re, this.im, m, this.twiddlesAt);
    wasm.realForward(this.re, this.im, m, this.cosSinAt);
    for (let k = 0; k <= m; k++) {
      re[offsetA + k] = heap[zr + 2 * k] as number;
      im[offsetA + k] = heap[zi + 2 * k] as number;
    }
    if (!b) return;
    for (let k = 0; k <= m; k++) {
      re[offsetB + k] = heap[zr + 2 * k + 1] as number;
      im[offsetB + k] = heap[zi + 2 * k + 1] as number;
    }
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
    const { m } = this;
    const heap = this.view();
    const zr = this.re / 8;
    const zi = this.im / 8;
    for (let k = 0; k <= m; k++) {
      heap[zr + 2 * k] = re[offsetA + k] as number;
      heap[zi + 2 * k] = im[offsetA + k] as number;
      heap[zr + 2 * k + 1] = outB ? (re[offsetB + k] as number) : 0;
      heap[zi + 2 * k + 1] = outB ? (im[offsetB + k] as number) : 0;
    }
    const wasm = fftModule();
    wasm.realInverse(this.re, this.im, m, this.cosSinAt);
    wasm.permute(this.re, this.im, m, this.reversedAt);
    wasm.complex(this.re, this.im, m, this.twiddlesAt);
    const scale = 1 / m;
    for (let i = 0; i < m; i++) {
      outA[2 * i] = (heap[zr + 2 * i] as number) * scale;
      outA[2 * i + 1] = -(heap[zi + 2 * i] as number) * scale;
    }
    if (!outB) return;
    for (let i = 0; i < m; i++) {
      outB[2 * i] = (heap[zr + 2 * i + 1] as number) * scale;
      outB[2 * i + 1] = -(heap[zi + 2 * i + 1] as number) * scale;
    }
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

import FFT from "fft.js";

/**
 * Real FFT of one power-of-two size on Float64Arrays, built on fft.js's radix-4 real transform.
 * The inverse uses the Hartley identity (a real inverse DFT is one forward real DFT of Re − Im), so
 * both directions cost one fft.js `realTransform` and no complex transform is ever needed.
 */
export class RealFft {
  readonly size: number;
  private readonly fft: FFT;
  private readonly spectrum: Float64Array;
  private readonly hartley: Float64Array;
  private readonly packed: Float64Array;

  constructor(size: number) {
    this.size = size;
    this.fft = new FFT(size);
    this.spectrum = new Float64Array(2 * size);
    this.hartley = new Float64Array(size);
    this.packed = new Float64Array(2 * size);
  }

  /**
   * `forward` of two frames with one complex FFT of a + i·b, split by Hermitian symmetry: about
   * 30 % cheaper than two real transforms with fft.js. Rounding is relative to the louder frame,
   * so callers keep exactly-zero frames out (their spectrum must stay exactly zero).
   */
  forwardPair(
    a: Float64Array,
    b: Float64Array,
    re: Float32Array | Float64Array,
    im: Float32Array | Float64Array,
    offsetA: number,
    offsetB: number,
  ) {
    const n = this.size;
    const packed = this.packed;
    for (let i = 0; i < n; i++) {
      packed[2 * i] = a[i] as number;
      packed[2 * i + 1] = b[i] as number;
    }
    const z = this.spectrum;
    this.fft.transform(z, packed);
    for (let k = 0; k <= n / 2; k++) {
      const mirror = 2 * ((n - k) % n);
      const zr = z[2 * k] as number;
      const zi = z[2 * k + 1] as number;
      const yr = z[mirror] as number;
      const yi = z[mirror + 1] as number;
      re[offsetA + k] = 0.5 * (zr + yr);
      im[offsetA + k] = 0.5 * (zi - yi);
      re[offsetB + k] = 0.5 * (zi + yi);
      im[offsetB + k] = 0.5 * (yr - zr);
    }
  }

  /** numpy.fft.rfft: bins 0..size/2 of `frame` into re/im starting at `offset`. */
  forward(
    frame: Float64Array,
    re: Float32Array | Float64Array,
    im: Float32Array | Float64Array,
    offset: number,
  ) {
    const spectrum = this.spectrum;
    this.fft.realTransform(spectrum, frame);
    const bins = this.size / 2 + 1;
    for (let k = 0; k < bins; k++) {
      re[offset + k] = spectrum[2 * k] as number;
      im[offset + k] = spectrum[2 * k + 1] as number;
    }
  }

  /**
   * `inverse` of two half spectra (re/im from offsetA and from offsetB) into outA and outB with
   * one complex inverse FFT: the real frames a and b are the real and imaginary parts of the
   * inverse of A + i·B, whose full spectrum follows from both halves by Hermitian symmetry.
   * Rounding is relative to the louder frame. Like numpy, the imaginary parts of the DC and
   * Nyquist bins are ignored.
   */
  inversePair(
    re: Float32Array | Float64Array,
    im: Float32Array | Float64Array,
    offsetA: number,
    offsetB: number,
    outA: Float64Array,
    outB: Float64Array,
  ) {
    const n = this.size;
    const half = n / 2;
    // The inverse is computed as conj(FFT(conj(Z))) / n: fft.js's forward transform, with the
    // conjugations folded into how Z is packed and unpacked.
    const z = this.packed;
    z[0] = re[offsetA] as number;
    z[1] = -(re[offsetB] as number);
    z[n] = re[offsetA + half] as number;
    z[n + 1] = -(re[offsetB + half] as number);
    for (let k = 1; k < half; k++) {
      const ar = re[offsetA + k] as number;
      const ai = im[offsetA + k] as number;
      const br = re[offsetB + k] as number;
      const bi = im[offsetB + k] as number;
      z[2 * k] = ar - bi;
      z[2 * k + 1] = -(ai + br);
      z[2 * (n - k)] = ar + bi;
      z[2 * (n - k) + 1] = ai - br;
    }
    const frames = this.spectrum;
    this.fft.transform(frames, z);
    const scale = 1 / n;
    for (let i = 0; i < n; i++) {
      outA[i] = (frames[2 * i] as number) * scale;
      outB[i] = -(frames[2 * i + 1] as number) * scale;
    }
  }

  /**
   * numpy.fft.irfft(n=size) of the half spectrum re/im[offset .. offset+size/2] into `out`.
   * Like numpy, the imaginary parts of the DC and Nyquist bins are ignored.
   */
  inverse(
    re: Float32Array | Float64Array,
    im: Float32Array | Float64Array,
    offset: number,
    out: Float64Array,
  ) {
    const n = this.size;
    const half = n / 2;
    const h = this.hartley;
    h[0] = re[offset] as number;
    h[half] = re[offset + half] as number;
    for (let k = 1; k < half; k++) {
      const a = re[offset + k] as number;
      const b = im[offset + k] as number;
      h[k] = a - b;
      h[n - k] = a + b;
    }
    const spectrum = this.spectrum;
    this.fft.realTransform(spectrum, h);
    const scale = 1 / n;
    out[0] = (spectrum[0] as number) * scale;
    out[half] = ((spectrum[n] as number) - (spectrum[n + 1] as number)) * scale;
    for (let k = 1; k < half; k++) {
      const hr = spectrum[2 * k] as number;
      const hi = spectrum[2 * k + 1] as number;
      out[k] = (hr - hi) * scale;
      out[n - k] = (hr + hi) * scale;
    }
  }
}

const instances = new Map<number, RealFft>();

/** One shared RealFft per size: fft.js tables are costly to build and the buffers are reusable. */
export function realFft(size: number): RealFft {
  let instance = instances.get(size);
  if (!instance) {
    instance = new RealFft(size);
    instances.set(size, instance);
  }
  return instance;
}

import { MODEL_SAMPLE_RATE, realFft } from "../../audio/index.js";

/** The rate every feature is defined at: librosa's default sr, and what decodeAudio delivers. */
export const SAMPLE_RATE = MODEL_SAMPLE_RATE;
export const N_FFT = 2048;
/**
 * Smallest normal float32 (numpy's tiny for librosa's float32 arrays): librosa's normalisations
 * and masks leave values below it unscaled instead of dividing by ~0.
 */
export const FLOAT32_TINY = 1.1754943508222875e-38;
export const HOP_LENGTH = 512;
export const N_BINS = N_FFT / 2 + 1;

/** Complex STFT, frame-major: bin k of frame t is at t * nBins + k. Float32 like librosa's complex64. */
export interface Stft {
  nFrames: number;
  /** nFft / 2 + 1 (N_BINS for the features' STFT). */
  nBins: number;
  re: Float32Array;
  im: Float32Array;
}

/**
 * How a signal is cut into frames: `frameLength` samples every `hop`, times a periodic Hann of
 * `frameLength`, zero-padded to `nFft` at the end (as tf.signal.stft pads). `center` pads the
 * signal with nFft / 2 zeros each side first (librosa's `center=True`, `pad_mode="constant"`).
 */
export interface FrameShape {
  nFft: number;
  hop: number;
  frameLength: number;
  center: boolean;
}

/** librosa.stft's defaults at 22 050 Hz: the STFT every one of the 57 features is computed from. */
export const FEATURE_FRAMES: FrameShape = { nFft: N_FFT, hop: HOP_LENGTH, frameLength: N_FFT, center: true };

/** Frames of `length` samples: librosa's 1 + len // hop when centred, else only whole frames. */
export function framesIn(length: number, { hop, frameLength, center }: FrameShape): number {
  if (center) return 1 + Math.floor(length / hop);
  return length < frameLength ? 0 : 1 + Math.floor((length - frameLength) / hop);
}

const windows = new Map<number, Float64Array>();

/** scipy.signal.get_window("hann", n, fftbins=True): the periodic Hann window librosa uses. */
export function hannWindow(n: number): Float64Array {
  let window = windows.get(n);
  if (!window) {
    window = new Float64Array(n);
    for (let i = 0; i < n; i++) window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
    windows.set(n, window);
  }
  return window;
}

/** Frames of a centred framing of `length` samples (librosa: 1 + len // hop). */
export function frameCount(length: number): number {
  return framesIn(length, FEATURE_FRAMES);
}

/**
 * The STFT of `samples` framed as `shape` says. By default librosa.stft(y, n_fft=2048,
 * hop_length=512, window="hann", center=True) with zero padding of n_fft/2 on each side — the
 * padding the reference features really used (checked frame by frame against librosa's output:
 * reflect padding does not reproduce the first and last frames).
 */
export function stft(samples: Float32Array, shape: FrameShape = FEATURE_FRAMES): Stft {
  const nFrames = framesIn(samples.length, shape);
  const nBins = shape.nFft / 2 + 1;
  const re = new Float32Array(nFrames * nBins);
  const im = new Float32Array(nFrames * nBins);
  const fft = realFft(shape.nFft);
  const window = hannWindow(shape.frameLength);
  const start = (t: number) => t * shape.hop - (shape.center ? shape.nFft / 2 : 0);
  // Frames go through the FFT two at a time, one per SIMD lane (lanes never mix, so a silent
  // frame keeps an exactly zero spectrum).
  for (let t = 0; t < nFrames; t += 2) {
    const pair = t + 1 < nFrames;
    fft.forwardWindowedPair(
      samples,
      start(t),
      pair ? start(t + 1) : undefined,
      window,
      re,
      im,
      t * nBins,
      (t + 1) * nBins,
    );
  }
  return { nFrames, nBins, re, im };
}

/** np.abs(D) rounded to float32, as librosa's magnitude spectrogram of a complex64 STFT. */
export function magnitudeSpectrogram({ re, im }: Stft): Float32Array {
  const magnitude = new Float32Array(re.length);
  for (let i = 0; i < re.length; i++) {
    const a = re[i] as number;
    const b = im[i] as number;
    magnitude[i] = Math.sqrt(a * a + b * b);
  }
  return magnitude;
}

/** np.abs(D) ** 2 in float32 (librosa's `_spectrogram(power=2)`), from the float32 magnitudes. */
export function powerSpectrogram(magnitude: Float32Array): Float32Array {
  const power = new Float32Array(magnitude.length);
  for (let i = 0; i < magnitude.length; i++) {
    const m = magnitude[i] as number;
    power[i] = m * m;
  }
  return power;
}

/**
 * librosa.istft(D · mask, hop_length=512, window="hann", center=True, length=length): inverse
 * real FFT of each masked frame, windowed overlap-add, division by the summed squared window
 * wherever it is not ~zero, then the centre padding trimmed off. The masking, inverse FFTs and
 * overlap-add run in the FFT module two frames at a time (RealFft.overlapAddInverse), so a masked
 * copy of the whole STFT is never built.
 */
export function istft(spectrum: Stft, length: number, mask: Float32Array): Float64Array {
  const { nFrames, re, im } = spectrum;
  const sum = new Float64Array(N_FFT + HOP_LENGTH * (nFrames - 1));
  realFft(N_FFT).overlapAddInverse(re, im, mask, nFrames, hannWindow(N_FFT), HOP_LENGTH, sum);
  const out = new Float64Array(length);
  const offset = N_FFT / 2;
  const available = Math.min(length, sum.length - offset);
  const interior = windowSquareSumInterior();
  // Samples covered by all N_FFT / HOP frames see the periodic sum; the rest get it frame by frame.
  const firstInterior = N_FFT - HOP_LENGTH;
  const lastInterior = nFrames * HOP_LENGTH - 1;
  for (let i = 0; i < available; i++) {
    const p = offset + i;
    const wss =
      p >= firstInterior && p <= lastInterior
        ? (interior[p % HOP_LENGTH] as number)
        : windowSquareSum(p, nFrames);
    const value = sum[p] as number;
    out[i] = wss > FLOAT32_TINY ? value / wss : value;
  }
  return out;
}

/** librosa.filters.window_sumsquare at padded sample p: Σ over the frames covering p of w². */
function windowSquareSum(p: number, nFrames: number): number {
  const window = hannWindow(N_FFT);
  let total = 0;
  const first = Math.max(0, Math.ceil((p - N_FFT + 1) / HOP_LENGTH));
  const last = Math.min(nFrames - 1, Math.floor(p / HOP_LENGTH));
  for (let t = first; t <= last; t++) total += (window[p - t * HOP_LENGTH] as number) ** 2;
  return total;
}

let interiorSums: Float64Array | undefined;

/** The window-square sum away from the edges, which repeats every hop. */
function windowSquareSumInterior(): Float64Array {
  interiorSums ??= Float64Array.from({ length: HOP_LENGTH }, (_, j) =>
    windowSquareSum(N_FFT + j, Number.MAX_SAFE_INTEGER),
  );
  return interiorSums;
}

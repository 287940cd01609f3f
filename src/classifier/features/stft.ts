import { realFft } from "../../audio/index.js";

/** The rate every feature is defined at: librosa's default sr, and what decodeAudio delivers. */
export const SAMPLE_RATE = 22050;
export const N_FFT = 2048;
/**
 * Smallest normal float32 (numpy's tiny for librosa's float32 arrays): librosa's normalisations
 * and masks leave values below it unscaled instead of dividing by ~0.
 */
export const FLOAT32_TINY = 1.1754943508222875e-38;
export const HOP_LENGTH = 512;
export const N_BINS = N_FFT / 2 + 1;

/** Complex STFT, frame-major: bin k of frame t is at t * N_BINS + k. Float32 like librosa's complex64. */
export interface Stft {
  nFrames: number;
  re: Float32Array;
  im: Float32Array;
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
  return 1 + Math.floor(length / HOP_LENGTH);
}

/**
 * librosa.stft(y, n_fft=2048, hop_length=512, window="hann", center=True) with zero padding of
 * n_fft/2 on each side — the padding the reference features really used (checked frame by frame
 * against librosa's output: reflect padding does not reproduce the first and last frames).
 */
export function stft(samples: Float32Array): Stft {
  const nFrames = frameCount(samples.length);
  const re = new Float32Array(nFrames * N_BINS);
  const im = new Float32Array(nFrames * N_BINS);
  const fft = realFft(N_FFT);
  const frames = [new Float64Array(N_FFT), new Float64Array(N_FFT)] as const;
  // Frames go through the FFT two at a time, one per SIMD lane.
  for (let t = 0; t < nFrames; t += 2) {
    windowedFrame(samples, t, frames[0]);
    const pair = t + 1 < nFrames;
    if (pair) windowedFrame(samples, t + 1, frames[1]);
    fft.forwardPair(frames[0], pair ? frames[1] : undefined, re, im, t * N_BINS, (t + 1) * N_BINS);
  }
  return { nFrames, re, im };
}

/** Frame t of the zero-padded signal times the Hann window into `frame`. */
function windowedFrame(samples: Float32Array, t: number, frame: Float64Array): void {
  const window = hannWindow(N_FFT);
  const start = t * HOP_LENGTH - N_FFT / 2;
  if (start >= 0 && start + N_FFT <= samples.length) {
    for (let n = 0; n < N_FFT; n++) frame[n] = (window[n] as number) * (samples[start + n] as number);
    return;
  }
  for (let n = 0; n < N_FFT; n++) {
    const i = start + n;
    frame[n] = i >= 0 && i < samples.length ? (window[n] as number) * (samples[i] as number) : 0;
  }
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
 * wherever it is not ~zero, then the centre padding trimmed off. The mask is applied two frames
 * at a time into a small buffer, so a masked copy of the whole STFT is never built, and each pair
 * goes through one complex inverse FFT.
 */
export function istft(spectrum: Stft, length: number, mask: Float32Array): Float64Array {
  const { nFrames, re, im } = spectrum;
  const window = hannWindow(N_FFT);
  const fft = realFft(N_FFT);
  const frames = [new Float64Array(N_FFT), new Float64Array(N_FFT)] as const;
  const maskedRe = new Float64Array(2 * N_BINS);
  const maskedIm = new Float64Array(2 * N_BINS);
  const sum = new Float64Array(N_FFT + HOP_LENGTH * (nFrames - 1));
  for (let t = 0; t < nFrames; t += 2) {
    const count = Math.min(2, nFrames - t);
    for (let i = 0; i < count * N_BINS; i++) {
      const cell = t * N_BINS + i;
      const m = mask[cell] as number;
      maskedRe[i] = (re[cell] as number) * m;
      maskedIm[i] = (im[cell] as number) * m;
    }
    fft.inversePair(maskedRe, maskedIm, 0, N_BINS, frames[0], count === 2 ? frames[1] : undefined);
    for (let j = 0; j < count; j++) {
      const frame = frames[j] as Float64Array;
      const start = (t + j) * HOP_LENGTH;
      for (let n = 0; n < N_FFT; n++)
        sum[start + n] = (sum[start + n] as number) + (window[n] as number) * (frame[n] as number);
    }
  }
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

import { realFft } from "./fft.js";

/** The rate every feature is defined at: librosa's default sr, and what decodeAudio delivers. */
export const SAMPLE_RATE = 22050;
export const N_FFT = 2048;
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
  const window = hannWindow(N_FFT);
  const frame = new Float64Array(N_FFT);
  const fft = realFft(N_FFT);
  const pad = N_FFT / 2;
  for (let t = 0; t < nFrames; t++) {
    const start = t * HOP_LENGTH - pad;
    const from = Math.max(0, -start);
    const to = Math.min(N_FFT, samples.length - start);
    frame.fill(0);
    for (let n = from; n < to; n++) frame[n] = (window[n] as number) * (samples[start + n] as number);
    fft.forward(frame, re, im, t * N_BINS);
  }
  return { nFrames, re, im };
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
 * librosa.istft(D, hop_length=512, window="hann", center=True, length=length): inverse real FFT of
 * each frame, windowed overlap-add, division by the summed squared window wherever it is not
 * ~zero, then the centre padding trimmed off.
 */
export function istft(spectrum: Stft, length: number): Float64Array {
  const { nFrames, re, im } = spectrum;
  const window = hannWindow(N_FFT);
  const fft = realFft(N_FFT);
  const frame = new Float64Array(N_FFT);
  const total = N_FFT + HOP_LENGTH * (nFrames - 1);
  const sum = new Float64Array(total);
  const windowSquares = new Float64Array(total);
  for (let t = 0; t < nFrames; t++) {
    fft.inverse(re, im, t * N_BINS, frame);
    const start = t * HOP_LENGTH;
    for (let n = 0; n < N_FFT; n++) {
      const w = window[n] as number;
      sum[start + n] = (sum[start + n] as number) + w * (frame[n] as number);
      windowSquares[start + n] = (windowSquares[start + n] as number) + w * w;
    }
  }
  const out = new Float64Array(length);
  const offset = N_FFT / 2;
  const tiny = 1.1754943508222875e-38; // util.tiny(float32): below it librosa leaves the sample undivided
  const available = Math.min(length, total - offset);
  for (let i = 0; i < available; i++) {
    const wss = windowSquares[offset + i] as number;
    const value = sum[offset + i] as number;
    out[i] = wss > tiny ? value / wss : value;
  }
  return out;
}

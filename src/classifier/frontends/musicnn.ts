import { projectMel, slaneyMelFilterbank } from "../features/mel.js";
import { type FrameShape, magnitudeSpectrogram, powerSpectrogram, stft } from "../features/stft.js";

/** musicnn's input: 187 log-mel frames (3 s at 16 kHz, hop 256) × 96 bands, row = frame. */
export const MUSICNN_FRAMES = 187;
export const MUSICNN_BANDS = 96;
const SAMPLE_RATE = 16000;
const FRAMES: FrameShape = { nFft: 512, hop: 256, frameLength: 512, center: true };

let filterbank: ReturnType<typeof slaneyMelFilterbank> | undefined;

/**
 * musicnn's input patches from 16 kHz mono samples, exactly as jordipons/musicnn `batch_data`:
 * librosa.feature.melspectrogram(n_fft=512, hop_length=256, n_mels=96) (centred with zeros,
 * periodic Hann, power, Slaney mel, float32), rounded to float16, then log10(1 + 10000·x) in
 * float32; consecutive non-overlapping patches of 187 frames, the remainder dropped (none when
 * the clip is under 3 s). Each patch is 187 × 96 float32, row = frame.
 */
export function musicnnPatches(samples: Float32Array): Float32Array[] {
  const spectrum = stft(samples, FRAMES);
  const power = powerSpectrogram(magnitudeSpectrogram(spectrum));
  filterbank ??= slaneyMelFilterbank(SAMPLE_RATE, FRAMES.nFft, MUSICNN_BANDS);
  const patchCount = Math.floor(spectrum.nFrames / MUSICNN_FRAMES);
  return Array.from({ length: patchCount }, (_, p) => {
    const patch = new Float32Array(MUSICNN_FRAMES * MUSICNN_BANDS);
    for (let row = 0; row < MUSICNN_FRAMES; row++) {
      const frame = p * MUSICNN_FRAMES + row;
      projectMel(
        filterbank as NonNullable<typeof filterbank>,
        power,
        frame * spectrum.nBins,
        patch,
        row * MUSICNN_BANDS,
      );
    }
    for (let i = 0; i < patch.length; i++) {
      // NumPy 1.x computes float16 arithmetic in float32, rounding each step to float32.
      const scaled = Math.fround(Math.fround(10000 * toFloat16(patch[i] as number)) + 1);
      patch[i] = Math.log10(scaled);
    }
    return patch;
  });
}

const FLOAT16_MAX_EXPONENT = 15;
const FLOAT16_MIN_EXPONENT = -14;
/** Halfway between float16's largest finite value (65 504) and the next step: rounds to infinity. */
const FLOAT16_OVERFLOW = 65_520;
const bits = new Uint32Array(1);
const asFloat = new Float32Array(bits.buffer);

/**
 * A non-negative float32 rounded to the nearest float16 (ties to even), as NumPy's
 * `astype(np.float16)`: 10 mantissa bits, subnormal steps of 2^-24 below 2^-14, infinity from
 * 65 520 up.
 */
export function toFloat16(value: number): number {
  if (value >= FLOAT16_OVERFLOW) return Number.POSITIVE_INFINITY;
  if (!(value > 0)) return value;
  asFloat[0] = value;
  const exponent = Math.min(
    FLOAT16_MAX_EXPONENT,
    Math.max(FLOAT16_MIN_EXPONENT, ((bits[0] as number) >>> 23) - 127),
  );
  const step = 2 ** (exponent - 10);
  const steps = value / step; // exact: a power-of-two scaling
  const floor = Math.floor(steps);
  const rest = steps - floor;
  const rounded = rest > 0.5 || (rest === 0.5 && floor % 2 === 1) ? floor + 1 : floor;
  return rounded * step;
}

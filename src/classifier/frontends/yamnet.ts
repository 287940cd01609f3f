import { type MelFilterbank, projectMel, sparseFilterbank } from "../features/mel.js";
import { type FrameShape, magnitudeSpectrogram, stft } from "../features/stft.js";

/** YAMNet's input: 96 log-mel frames (0.96 s at 16 kHz, hop 160) × 64 bands, row = frame. */
export const YAMNET_FRAMES = 96;
export const YAMNET_BANDS = 64;
/** Patches start every 48 frames (0.48 s). */
export const YAMNET_PATCH_HOP = 48;
const SAMPLE_RATE = 16000;
const FRAMES: FrameShape = { nFft: 512, hop: 160, frameLength: 400, center: false };
const LOWER_HZ = 125;
const UPPER_HZ = 7500;
const LOG_OFFSET = 0.001;

/** HTK's mel scale, as tf.signal uses it. */
function htkMel(hz: number): number {
  return 1127 * Math.log(1 + hz / 700);
}

/**
 * tf.signal.linear_to_mel_weight_matrix(64, 257, 16000, 125, 7500): triangles laid out in HTK
 * mel space between equally spaced edges, unnormalised, the DC bin always zero.
 */
function htkMelFilterbank(): MelFilterbank {
  const nBins = FRAMES.nFft / 2 + 1;
  const lowMel = htkMel(LOWER_HZ);
  const edgeStep = (htkMel(UPPER_HZ) - lowMel) / (YAMNET_BANDS + 1);
  const binMel = Float64Array.from({ length: nBins }, (_, k) => htkMel((k * SAMPLE_RATE) / 2 / (nBins - 1)));
  const bands = Array.from({ length: YAMNET_BANDS }, (_, m) => {
    const lower = lowMel + m * edgeStep;
    const centre = lower + edgeStep;
    const upper = centre + edgeStep;
    return Float32Array.from({ length: nBins }, (_, k) => {
      if (k === 0) return 0;
      const mel = binMel[k] as number;
      return Math.max(0, Math.min((mel - lower) / (centre - lower), (upper - mel) / (upper - centre)));
    });
  });
  return sparseFilterbank(bands);
}

let filterbank: MelFilterbank | undefined;

/**
 * YAMNet's input patches from 16 kHz mono samples, as tensorflow/models
 * `waveform_to_log_mel_spectrogram_patches`: 400-sample frames every 160 samples without
 * padding, periodic Hann, |rfft 512|, 64 HTK mel bands 125–7500 Hz, log(x + 0.001); patches of
 * 96 frames every 48 frames (none when the clip is under ~0.98 s). Each patch is 96 × 64
 * float32, row = frame. The waveform is not zero-padded first (YAMNet's `pad_waveform`), as in
 * the reference outputs: a 30 s clip gives 61 patches.
 */
export function yamnetPatches(samples: Float32Array): Float32Array[] {
  const spectrum = stft(samples, FRAMES);
  const magnitude = magnitudeSpectrogram(spectrum);
  filterbank ??= htkMelFilterbank();
  const logMel = new Float32Array(spectrum.nFrames * YAMNET_BANDS);
  for (let t = 0; t < spectrum.nFrames; t++) {
    projectMel(filterbank, magnitude, t * spectrum.nBins, logMel, t * YAMNET_BANDS);
  }
  for (let i = 0; i < logMel.length; i++) logMel[i] = Math.log((logMel[i] as number) + LOG_OFFSET);
  const patchCount =
    spectrum.nFrames < YAMNET_FRAMES
      ? 0
      : 1 + Math.floor((spectrum.nFrames - YAMNET_FRAMES) / YAMNET_PATCH_HOP);
  return Array.from({ length: patchCount }, (_, p) => {
    const start = p * YAMNET_PATCH_HOP * YAMNET_BANDS;
    return logMel.slice(start, start + YAMNET_FRAMES * YAMNET_BANDS);
  });
}

import { frameCount, HOP_LENGTH, N_FFT } from "./stft.js";

/** librosa.zero_crossings' default threshold: samples this small count as zero (and zero as positive). */
const ZERO_THRESHOLD = 1e-10;

/**
 * librosa.feature.zero_crossing_rate(y, frame_length=2048, hop_length=512, center=True): the
 * signal is padded by repeating its edge samples (np.pad mode "edge"), framed, and each frame
 * scores the share of its 2048 positions where the sign bit differs from the previous sample's
 * (the first position never counts: `pad=False`). Crossings are counted once over the signal and
 * summed per frame with a prefix sum instead of re-scanning the 4× overlapping frames.
 */
export function zeroCrossingRate(samples: Float32Array): Float64Array {
  const length = samples.length;
  const nFrames = frameCount(length);
  const pad = N_FFT / 2;
  // crossingsBefore[i]: crossings between consecutive padded samples up to padded index i.
  const crossingsBefore = new Int32Array(length + 2 * pad);
  let previousNegative = isNegative(samples[0] as number);
  let count = 0;
  for (let i = 1; i < length; i++) {
    const negative = isNegative(samples[i] as number);
    if (negative !== previousNegative) count++;
    crossingsBefore[pad + i] = count;
    previousNegative = negative;
  }
  crossingsBefore.fill(count, pad + length);
  const rate = new Float64Array(nFrames);
  for (let t = 0; t < nFrames; t++) {
    const first = t * HOP_LENGTH;
    rate[t] = ((crossingsBefore[first + N_FFT - 1] as number) - (crossingsBefore[first] as number)) / N_FFT;
  }
  return rate;
}

/** np.signbit after librosa zeroes |x| ≤ threshold (so −0.0 and tiny negatives are positive). */
function isNegative(x: number): boolean {
  return x < -ZERO_THRESHOLD;
}

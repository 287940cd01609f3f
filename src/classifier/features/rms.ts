import { createRequire } from "node:module";
import { frameCount, HOP_LENGTH, N_FFT } from "./stft.js";

/**
 * Meyda's `rms` extractor, √(mean(x²)) of a raw frame — librosa.feature.rms's definition on y.
 * Loaded as its own CommonJS file: Meyda's bundled types describe an ESM build that Node cannot
 * load from this package, and the extractor alone avoids Meyda's per-call FFT in `extract()`.
 */
const meydaRms = createRequire(import.meta.url)("meyda/dist/node/extractors/rms.js") as (input: {
  signal: Float32Array;
}) => number;

/**
 * librosa.feature.rms(y, frame_length=2048, hop_length=512, center=True): the signal is zero
 * padded by 1024 on each side (its "constant" pad mode, checked against librosa's frames), framed
 * without a window, and each frame's RMS computed by Meyda's extractor on a zero-copy view.
 */
export function rmsFrames(samples: Float32Array): Float64Array {
  const pad = N_FFT / 2;
  const padded = new Float32Array(samples.length + 2 * pad);
  padded.set(samples, pad);
  const nFrames = frameCount(samples.length);
  const rms = new Float64Array(nFrames);
  for (let t = 0; t < nFrames; t++) {
    const start = t * HOP_LENGTH;
    rms[t] = meydaRms({ signal: padded.subarray(start, start + N_FFT) });
  }
  return rms;
}

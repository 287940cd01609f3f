import { reserve, withWasm } from "../../audio/index.js";
import { FLOAT32_TINY, N_BINS, N_FFT, SAMPLE_RATE } from "./stft.js";
import { estimateTuning } from "./tuning.js";

export const N_CHROMA = 12;
// librosa.filters.chroma defaults: Gaussian octave weighting centred on octave 5, 2 octaves wide.
const CENTER_OCTAVE = 5;
const OCTAVE_WIDTH = 2;
/**
 * librosa.filters.chroma(sr=22050, n_fft=2048, tuning, n_chroma=12, ctroct=5, octwidth=2, norm=2,
 * base_c=True): per FFT bin, a Gaussian bump over the 12 pitch classes around the bin's pitch,
 * L2-normalised, weighted by a Gaussian over octaves, rows rotated to start at C, float32.
 * Stored bin-major (the 12 weights of bin k at k * 12) for the projection below.
 */
function buildChromaFilterbank(tuning: number): Float32Array {
  const a440 = 440 * 2 ** (tuning / N_CHROMA);
  // Pitch (in chroma bins) of every FFT bin; the 0 Hz bin is placed 1.5 octaves below bin 1.
  const pitch = new Float64Array(N_FFT);
  for (let k = 1; k < N_FFT; k++) pitch[k] = N_CHROMA * Math.log2((k * SAMPLE_RATE) / N_FFT / (a440 / 16));
  pitch[0] = (pitch[1] as number) - 1.5 * N_CHROMA;
  const filterbank = new Float32Array(N_BINS * N_CHROMA);
  const column = new Float64Array(N_CHROMA);
  const halfChroma = Math.round(N_CHROMA / 2);
  for (let k = 0; k < N_BINS; k++) {
    const binWidth = Math.max((pitch[k + 1] as number) - (pitch[k] as number), 1);
    let norm = 0;
    for (let c = 0; c < N_CHROMA; c++) {
      // Distance to pitch class c, wrapped into [-6, 6).
      const distance =
        ((((pitch[k] as number) - c + halfChroma + 10 * N_CHROMA) % N_CHROMA) + N_CHROMA) % N_CHROMA;
      const z = (2 * (distance - halfChroma)) / binWidth;
      const weight = Math.exp(-0.5 * z * z);
      column[c] = weight;
      norm += weight * weight;
    }
    norm = Math.sqrt(norm);
    const octave = ((pitch[k] as number) / N_CHROMA - CENTER_OCTAVE) / OCTAVE_WIDTH;
    const octaveWeight = Math.exp(-0.5 * octave * octave);
    for (let c = 0; c < N_CHROMA; c++) {
      // base_c: np.roll(-3) makes row 0 the pitch class 3 semitones above A, i.e. C.
      filterbank[k * N_CHROMA + ((c + N_CHROMA - 3) % N_CHROMA)] =
        ((column[c] as number) / norm) * octaveWeight;
    }
  }
  return filterbank;
}

const CHROMA_WASM = new URL("./chroma.wasm", import.meta.url);

interface ChromaModule {
  memory: WebAssembly.Memory;
  project(power: number, frames: number, bins: number, weights: number, out: number): void;
}

/**
 * librosa.feature.chroma_stft(y) (n_fft=2048, hop 512, tuning estimated from the power
 * spectrogram, each frame scaled to max 1 — norm=inf), frame-major: N_CHROMA values per frame.
 * The projection onto the filterbank runs in WebAssembly SIMD (chroma.wat), two pitch classes
 * per vector, summing in the same order and precision as a plain loop.
 */
export function chromagram(power: Float32Array, nFrames: number): Float64Array {
  const weights = Float64Array.from(buildChromaFilterbank(estimateTuning(power, nFrames)));
  return withWasm(CHROMA_WASM, (instance: ChromaModule) => {
    // The module's memory: power (float32), then weights and the output (float64, 16-byte aligned).
    const powerAt = 0;
    const weightsAt = Math.ceil((4 * nFrames * N_BINS) / 16) * 16;
    const outAt = weightsAt + 8 * weights.length;
    const buffer = reserve(instance.memory, outAt + 8 * nFrames * N_CHROMA);
    new Float32Array(buffer, powerAt, nFrames * N_BINS).set(power.subarray(0, nFrames * N_BINS));
    new Float64Array(buffer, weightsAt, weights.length).set(weights);
    instance.project(powerAt, nFrames, N_BINS, weightsAt, outAt);
    const values = new Float64Array(buffer, outAt, nFrames * N_CHROMA).slice();
    for (let t = 0; t < nFrames; t++) {
      const out = t * N_CHROMA;
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < N_CHROMA; c++) max = Math.max(max, values[out + c] as number);
      const scale = max < FLOAT32_TINY ? 1 : 1 / max;
      for (let c = 0; c < N_CHROMA; c++) values[out + c] = (values[out + c] as number) * scale;
    }
    return values;
  });
}

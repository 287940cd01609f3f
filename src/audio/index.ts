/** Any supported audio file -> mono Float32 samples at the rate each consumer needs. */
export { AudioError } from "./error.js";
export { type RealFft, realFft } from "./fft.js";
export { readInputFile, UnreadableFileError } from "./input-file.js";
export { type AudioLimits, DEFAULT_AUDIO_LIMITS } from "./limits.js";
export {
  atRate,
  type DecodedAudio,
  decodeAudio,
  decodeMono,
  MODEL_SAMPLE_RATE,
  NETWORK_SAMPLE_RATE,
} from "./load.js";
export { resample } from "./resample.js";
export { loadWasm, reserve, withWasm } from "./wasm.js";

/** Any supported audio file -> mono Float32 samples at the rate the models were trained on. */
export { AudioError } from "./error.js";
export { type RealFft, realFft } from "./fft.js";
export { type AudioLimits, DEFAULT_AUDIO_LIMITS } from "./limits.js";
export { type DecodedAudio, decodeAudio, MODEL_SAMPLE_RATE } from "./load.js";
export { resample } from "./resample.js";
export { loadWasm, reserve } from "./wasm.js";

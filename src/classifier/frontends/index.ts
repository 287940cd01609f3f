export { MUSICNN_BANDS, MUSICNN_FRAMES, musicnnPatches } from "./musicnn.js";
export { YAMNET_BANDS, YAMNET_FRAMES, YAMNET_PATCH_HOP, yamnetPatches } from "./yamnet.js";

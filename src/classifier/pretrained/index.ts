/** The pretrained networks on onnxruntime-node: musicnn (MSD tags) and YAMNet (AudioSet). */
export { MUSICNN_PATCH, type MusicnnPatch, musicnnTagNames, runMusicnn } from "./musicnn.js";
export { runYamnet, YAMNET_PATCH, type YamnetPatch, yamnetClassNames } from "./yamnet.js";

import h5wasm, { type File as H5File } from "h5wasm/node";
import { OnnxGraph, transpose } from "./onnx-graph.js";

/** musicnn's input: 187 log-mel frames (3 s) × 96 mel bands, row = frame. */
export const MUSICNN_FRAMES = 187;
export const MUSICNN_BANDS = 96;
const BN_EPSILON = 0.001;

interface Tensor {
  data: Float32Array;
  dims: number[];
}

/** The weights of one Keras layer by short name (`kernel`, `bias`, `gamma`, …; h5 names carry `_1:0` suffixes). */
export type LayerWeights = (name: string) => Tensor;

function layerReader(file: H5File): (layer: string) => LayerWeights {
  return (layer) => {
    const group = file.get(`model_weights/${layer}/${layer}`);
    if (!(group instanceof h5wasm.Group)) throw new Error(`musicnn h5: no weights for layer ${layer}`);
    const keys = group.keys();
    return (name) => {
      const key = keys.find((k) => new RegExp(`^${name}(_\\d+)?:0$`).test(k));
      const dataset = key ? group.get(key) : null;
      if (!(dataset instanceof h5wasm.Dataset)) throw new Error(`musicnn h5: ${layer} has no ${name}`);
      const value = dataset.value;
      if (!(value instanceof Float32Array)) throw new Error(`musicnn h5: ${layer}/${name} is not float32`);
      return { data: value, dims: dataset.shape ?? [] };
    };
  };
}

/**
 * Inference batch norm as one scale and shift per channel (computed in float64, stored in
 * float32): y = x·scale + shift with scale = γ/√(σ²+ε), shift = β − μ·scale.
 */
function batchNorm(weights: LayerWeights): { scale: Float32Array; shift: Float32Array } {
  const gamma = weights("gamma").data;
  const beta = weights("beta").data;
  const mean = weights("moving_mean").data;
  const variance = weights("moving_variance").data;
  const scale = new Float32Array(gamma.length);
  const shift = new Float32Array(gamma.length);
  for (let c = 0; c < gamma.length; c++) {
    const s = (gamma[c] as number) / Math.sqrt((variance[c] as number) + BN_EPSILON);
    scale[c] = s;
    shift[c] = (beta[c] as number) - (mean[c] as number) * s;
  }
  return { scale, shift };
}

/**
 * MSD_musicnn / MTT_musicnn (Keras h5) → ONNX. The Keras graph is NHWC with H = time, W = mel
 * band; here it is NCHW and every stage keeps time on H:
 * - the single-channel input reshapes directly to [N,1,187,96];
 * - timbral convs pad time 3+3 (Keras ZeroPadding as a Pad op) → Conv pads [3,0,3,0];
 * - temporal convs use TF `same` with even kernels: the extra padding row goes at the end;
 * - the front- and mid-end batch norms follow a ReLU and have mostly negative scales, so they
 *   cannot fold into the convolutions: they stay Mul + Add;
 * - the mid-end's [7,C] kernels over the transposed [T,C,1] map are 1-D convolutions over time
 *   with C input channels (kernel [7,C,1,64] → [64,C,7,1], transpose (3,1,0,2)), which also makes
 *   Keras's transposes identities;
 * - max and mean over time of the [753] features, flattened interleaved (max0, mean0, max1, …);
 * - `bn_flatpool` folds exactly into `dense`; `bn_dense` is kept as an output (musicnn's own
 *   "penultimate") and feeds `dense_1`.
 * Outputs: `tags` [N,50] (sigmoid), `dense` [N,200] (after its ReLU), `bn_dense` [N,200].
 */
export async function convertMusicnn(h5Path: string, name: string): Promise<Uint8Array> {
  return withMusicnnWeights(h5Path, (layer) => buildMusicnn(layer, name));
}

/** Opens a musicnn h5 file for `use`, which reads its weights by layer name. */
export async function withMusicnnWeights<T>(
  h5Path: string,
  use: (layer: (name: string) => LayerWeights) => T,
): Promise<T> {
  await h5wasm.ready;
  const file = new h5wasm.File(h5Path, "r");
  try {
    return use(layerReader(file));
  } finally {
    file.close();
  }
}

function buildMusicnn(layer: (name: string) => LayerWeights, name: string): Uint8Array {
  const g = new OnnxGraph(name);

  const perChannel = (x: string, bn: LayerWeights, label: string) => {
    const { scale, shift } = batchNorm(bn);
    const dims = [1, scale.length, 1, 1];
    const scaled = g.node("Mul", [x, g.weight(`${label}_scale`, dims, scale)]);
    return g.node("Add", [scaled, g.weight(`${label}_shift`, dims, shift)]);
  };
  const conv = (x: string, label: string, weightPerm: number[], pads: number[]) => {
    const w = layer(label);
    const kernel = w("kernel");
    const k = transpose(kernel.data, kernel.dims, weightPerm);
    const bias = w("bias").data;
    const y = g.node(
      "Conv",
      [x, g.weight(`${label}_w`, k.dims, k.data), g.weight(`${label}_b`, [bias.length], bias)],
      {
        pads,
      },
    );
    return g.node("Relu", [y]);
  };
  // Keras [kh, kw, cin, cout] → ONNX [cout, cin, kh, kw].
  const KERAS_2D = [3, 2, 0, 1];
  const KERAS_1D_OVER_CHANNELS = [3, 1, 0, 2];

  const patches = g.input("patches", ["N", MUSICNN_FRAMES, MUSICNN_BANDS]);
  const image = g.node("Reshape", [patches, g.int64s("image_shape", [-1, 1, MUSICNN_FRAMES, MUSICNN_BANDS])]);
  const input = perChannel(image, layer("batch_normalization"), "bn_input");

  const frontEnd: string[] = [];
  // Timbral: [7, 38] and [7, 67] over (time, band), time padded 3+3, band valid.
  const timbral: Array<[string, string]> = [
    ["conv2d", "batch_normalization_1"],
    ["conv2d_1", "batch_normalization_2"],
  ];
  for (const [convName, bnName] of timbral) {
    const y = perChannel(conv(input, convName, KERAS_2D, [3, 0, 3, 0]), layer(bnName), bnName);
    frontEnd.push(g.node("ReduceMax", [y], { axes: [3], keepdims: 1 }));
  }
  // Temporal: [k, 1] with TF `same` padding: (k−1)/2 rows before, the rest (one more for even k) after.
  const temporal: Array<[string, string]> = [
    ["conv2d_2", "batch_normalization_3"],
    ["conv2d_3", "batch_normalization_4"],
    ["conv2d_4", "batch_normalization_5"],
  ];
  for (const [convName, bnName] of temporal) {
    const kh = layer(convName)("kernel").dims[0] as number;
    const before = Math.floor((kh - 1) / 2);
    const y = perChannel(
      conv(input, convName, KERAS_2D, [before, 0, kh - 1 - before, 0]),
      layer(bnName),
      bnName,
    );
    frontEnd.push(g.node("ReduceMax", [y], { axes: [3], keepdims: 1 }));
  }
  const front = g.node("Concat", frontEnd, { axis: 1 }); // [N, 561, 187, 1]

  const midEnd = (x: string, index: number) =>
    perChannel(
      conv(x, `midend_conv${index}`, KERAS_1D_OVER_CHANNELS, [3, 0, 3, 0]),
      layer(`bn_midend_conv${index}`),
      `bn_midend_conv${index}`,
    );
  const mid1 = midEnd(front, 1);
  const mid2 = g.node("Add", [midEnd(mid1, 2), mid1]);
  const mid3 = g.node("Add", [midEnd(mid2, 3), mid2]);
  const features = g.node("Concat", [front, mid1, mid2, mid3], { axis: 1 }); // [N, 753, 187, 1]

  const max = g.node("ReduceMax", [features], { axes: [2], keepdims: 1 });
  const mean = g.node("ReduceMean", [features], { axes: [2], keepdims: 1 });
  const pooled = g.node("Concat", [max, mean], { axis: 3 }); // [N, 753, 1, 2]
  const flat = g.node("Reshape", [pooled, g.int64s("flat_shape", [-1, 1506])]);

  // dense(x·s + t) = x·(diag(s)·W) + (t·W + b): bn_flatpool folded exactly.
  const flatBn = batchNorm(layer("bn_flatpool"));
  const denseW = layer("dense");
  const kernel = denseW("kernel");
  const [inputs, units] = kernel.dims as [number, number];
  const foldedKernel = new Float32Array(kernel.data.length);
  const foldedBias = new Float64Array(denseW("bias").data);
  for (let i = 0; i < inputs; i++) {
    const s = flatBn.scale[i] as number;
    const t = flatBn.shift[i] as number;
    for (let j = 0; j < units; j++) {
      const w = kernel.data[i * units + j] as number;
      foldedKernel[i * units + j] = w * s;
      foldedBias[j] = (foldedBias[j] as number) + w * t;
    }
  }
  const denseLinear = g.node("Gemm", [
    flat,
    g.weight("dense_w", [inputs, units], foldedKernel),
    g.weight("dense_b", [units], Float32Array.from(foldedBias)),
  ]);
  const dense = g.node("Relu", [denseLinear], {}, "dense");
  const bnDense = batchNorm(layer("bn_dense"));
  const bnScaled = g.node("Mul", [dense, g.weight("bn_dense_scale", [units], bnDense.scale)]);
  const bnDenseOut = g.node(
    "Add",
    [bnScaled, g.weight("bn_dense_shift", [units], bnDense.shift)],
    {},
    "bn_dense",
  );
  const tagsW = layer("dense_1");
  const tagKernel = tagsW("kernel");
  const tagCount = tagKernel.dims[1] as number;
  const logits = g.node("Gemm", [
    bnDenseOut,
    g.weight("tags_w", tagKernel.dims, tagKernel.data),
    g.weight("tags_b", [tagCount], tagsW("bias").data),
  ]);
  g.node("Sigmoid", [logits], {}, "tags");

  g.output("tags", ["N", tagCount]);
  g.output("dense", ["N", units]);
  g.output("bn_dense", ["N", units]);
  return g.encode(
    `${name}: jordipons/musicnn via Quint-e/musicnn_keras (ISC), converted by genrebot's models:convert. ` +
      "Input: log-mel patches [N,187,96] (row = frame).",
  );
}

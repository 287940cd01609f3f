import { OnnxGraph, transpose } from "./onnx-graph.js";
import {
  dequantize,
  Op,
  readTflite,
  type TfliteModel,
  type TfliteOperator,
  type TfliteTensor,
} from "./tflite.js";

/** YAMNet's input: 96 log-mel frames (0.96 s) × 64 mel bands, row = frame. */
export const YAMNET_FRAMES = 96;
export const YAMNET_BANDS = 64;
/** Where the network proper starts: the in-graph front end (DFT, mel, log) ends in this reshape. */
const PATCH_TENSOR = "yamnet_frames/reshape/Reshape";
/** TFLite tensor → ONNX output name. The embedding is an intermediate tensor, not a TFLite output. */
const OUTPUTS: Record<string, { name: string; size: number }> = {
  "yamnet_frames/global_average_pooling2d/Mean": { name: "embedding", size: 1024 },
  Identity: { name: "scores", size: 521 },
};
/** TFLite ActivationFunctionType: NONE 0, RELU 1. */
const FUSED_RELU = 1;
/** TFLite Padding: SAME 0, VALID 1. */
const PADDING_SAME = 0;

/**
 * TensorFlow padding for one spatial axis: VALID adds nothing; SAME pads so the output has
 * ceil(in/stride) rows, the odd row at the end.
 */
function axisPads(
  inSize: number,
  outSize: number,
  kernel: number,
  stride: number,
  same: boolean,
): [number, number] {
  if (!same) return [0, 0];
  const total = Math.max((outSize - 1) * stride + kernel - inSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

class YamnetConverter {
  private readonly graph = new OnnxGraph("yamnet");
  /** TFLite tensor index → ONNX value name, for activations already in the graph. */
  private readonly values = new Map<number, string>();
  /** TFLite tensor index → float32 contents, for weights (dequantised when they are int8). */
  private readonly constants = new Map<number, Float32Array>();

  constructor(private readonly model: TfliteModel) {}

  private tensor(index: number): TfliteTensor {
    const t = this.model.tensors[index];
    if (!t) throw new Error(`YAMNet tflite: no tensor ${index}`);
    return t;
  }

  private constant(index: number): Float32Array {
    let data = this.constants.get(index);
    if (!data) {
      data = dequantize(this.tensor(index));
      this.constants.set(index, data);
    }
    return data;
  }

  private value(index: number): string {
    const name = this.values.get(index);
    if (!name) throw new Error(`YAMNet tflite: ${this.tensor(index).name} is not computed by the network`);
    return name;
  }

  private activation(x: string, fused: number): string {
    if (fused === 0) return x;
    if (fused === FUSED_RELU) return this.graph.node("Relu", [x]);
    throw new Error(`YAMNet tflite: fused activation ${fused} is not supported`);
  }

  /** CONV_2D (filters OHWI) or DEPTHWISE_CONV_2D (filters [1,H,W,C]) on an NCHW value. */
  private convolution(op: TfliteOperator, depthwise: boolean): string {
    const [inputIndex, filterIndex, biasIndex] = op.inputs as [number, number, number];
    const options = op.options;
    if (!options) throw new Error("YAMNet tflite: convolution without options");
    // Conv2DOptions: padding 0, stride_w 1, stride_h 2, fused_activation_function 3.
    // DepthwiseConv2DOptions: padding 0, stride_w 1, stride_h 2, depth_multiplier 3, fused_activation_function 4.
    const same = options.int8(0) === PADDING_SAME;
    const strideW = options.int32(1, 1);
    const strideH = options.int32(2, 1);
    const fused = options.int8(depthwise ? 4 : 3);
    if (depthwise && options.int32(3, 1) !== 1) throw new Error("YAMNet tflite: depth multiplier must be 1");
    const filter = this.tensor(filterIndex);
    const [, kh, kw, channels] = filter.shape as [number, number, number, number];
    const weights = transpose(
      this.constant(filterIndex),
      filter.shape,
      depthwise ? [3, 0, 1, 2] : [0, 3, 1, 2],
    );
    const [, inH, inW] = this.tensor(inputIndex).shape as [number, number, number, number];
    const [, outH, outW] = this.tensor(op.outputs[0] as number).shape as [number, number, number, number];
    const [top, bottom] = axisPads(inH, outH, kh, strideH, same);
    const [left, right] = axisPads(inW, outW, kw, strideW, same);
    const bias = this.constant(biasIndex);
    const y = this.graph.node(
      "Conv",
      [
        this.value(inputIndex),
        this.graph.weight("w", weights.dims, weights.data),
        this.graph.weight("b", [bias.length], bias),
      ],
      {
        kernel_shape: [kh, kw],
        strides: [strideH, strideW],
        pads: [top, left, bottom, right],
        ...(depthwise ? { group: channels } : {}),
      },
    );
    return this.activation(y, fused);
  }

  /** MEAN over the spatial axes (NHWC 1, 2) without keeping them: global average pooling → [N, C]. */
  private mean(op: TfliteOperator): string {
    const [inputIndex, axesIndex] = op.inputs as [number, number];
    const axesTensor = this.tensor(axesIndex);
    const view = new DataView(axesTensor.data.buffer, axesTensor.data.byteOffset, axesTensor.data.byteLength);
    const axes = Array.from({ length: axesTensor.data.byteLength / 4 }, (_, i) => view.getInt32(i * 4, true));
    // ReducerOptions: keep_dims 0.
    const keepDims = op.options?.int8(0) ?? 0;
    if (axes.join() !== "1,2" || keepDims !== 0)
      throw new Error(`YAMNet tflite: MEAN over [${axes}] not supported`);
    return this.graph.node("ReduceMean", [this.value(inputIndex)], { axes: [2, 3], keepdims: 0 });
  }

  /** FULLY_CONNECTED with weights [out, in]: Gemm with B transposed. */
  private fullyConnected(op: TfliteOperator): string {
    const [inputIndex, weightIndex, biasIndex] = op.inputs as [number, number, number];
    const weight = this.tensor(weightIndex);
    const bias = this.constant(biasIndex);
    const y = this.graph.node(
      "Gemm",
      [
        this.value(inputIndex),
        this.graph.weight("fc_w", weight.shape, this.constant(weightIndex)),
        this.graph.weight("fc_b", [bias.length], bias),
      ],
      { transB: 1 },
    );
    // FullyConnectedOptions: fused_activation_function 0.
    return this.activation(y, op.options?.int8(0) ?? 0);
  }

  convert(): Uint8Array {
    const start = this.model.tensors.find((t) => t.name === PATCH_TENSOR);
    if (!start) throw new Error(`YAMNet tflite: no tensor ${PATCH_TENSOR}`);
    const g = this.graph;
    const patches = g.input("patches", ["N", YAMNET_FRAMES, YAMNET_BANDS]);
    // [N,96,64] → NCHW [N,1,96,64]: one channel, so TFLite's NHWC [1,96,64,1] is the same data.
    this.values.set(
      start.index,
      g.node("Reshape", [patches, g.int64s("image_shape", [-1, 1, YAMNET_FRAMES, YAMNET_BANDS])]),
    );
    const startOp = this.model.operators.findIndex((op) => op.outputs.includes(start.index));
    for (const op of this.model.operators.slice(startOp + 1)) {
      const out = op.outputs[0] as number;
      switch (op.code) {
        case Op.DEQUANTIZE:
          this.constants.set(out, this.constant(op.inputs[0] as number));
          continue;
        case Op.CONV_2D:
          this.values.set(out, this.convolution(op, false));
          break;
        case Op.DEPTHWISE_CONV_2D:
          this.values.set(out, this.convolution(op, true));
          break;
        case Op.MEAN:
          this.values.set(out, this.mean(op));
          break;
        case Op.FULLY_CONNECTED:
          this.values.set(out, this.fullyConnected(op));
          break;
        case Op.LOGISTIC:
          this.values.set(out, g.node("Sigmoid", [this.value(op.inputs[0] as number)]));
          break;
        default:
          throw new Error(`YAMNet tflite: operator ${op.code} after the patch input is not supported`);
      }
      const wanted = OUTPUTS[this.tensor(out).name];
      if (wanted) {
        g.node("Identity", [this.value(out)], {}, wanted.name);
        g.output(wanted.name, ["N", wanted.size]);
      }
    }
    return g.encode(
      "YAMNet (Google, Apache-2.0; tensorflow/models research/audioset/yamnet), from yamnet.tflite with its int8 " +
        "weights dequantised to float32, converted by genrebot's models:convert. Input: log-mel patches [N,96,64].",
    );
  }
}

/** yamnet.tflite → ONNX from the `[N,96,64]` log-mel patch input; outputs `scores` [N,521], `embedding` [N,1024]. */
export function convertYamnet(tflite: Uint8Array): Uint8Array {
  return new YamnetConverter(readTflite(tflite)).convert();
}

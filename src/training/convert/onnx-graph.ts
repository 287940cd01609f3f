import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

/** ONNX 1.12: IR version 8, default-domain opset 17 (ReduceMax/ReduceMean still take `axes` as attributes). */
const IR_VERSION = 8;
const OPSET = 17;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

/** Integer attributes only: these graphs need no float ones, and 1.0 vs 1 would be ambiguous. */
type AttributeValue = number | number[] | string;
/** A dimension: a fixed size, or a name for one chosen at run time (the batch). */
type Dim = number | string;

/** Little-endian bytes whatever the host, so the written file is the same on every machine. */
function float32Bytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] as number, true);
  return bytes;
}

function int64Bytes(values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  for (const [i, v] of values.entries()) view.setBigInt64(i * 8, BigInt(v), true);
  return bytes;
}

function attribute(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === "string")
    return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer`);
  return { name, type: AttributeType.INT, i: value };
}

function valueInfo(name: string, dims: readonly Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/**
 * A small builder for float32 inference graphs: weights become initializers, every node gets one
 * output whose name is generated unless given. Names are derived from a counter, never from time
 * or randomness, so the same calls always encode to the same bytes.
 */
export class OnnxGraph {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private count = 0;

  constructor(private readonly name: string) {}

  private fresh(prefix: string): string {
    this.count += 1;
    return `${prefix}_${this.count}`;
  }

  input(name: string, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, dims));
    return name;
  }

  output(name: string, dims: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, dims));
  }

  /** A float32 weight tensor (row-major `data` of shape `dims`). */
  weight(name: string, dims: readonly number[], data: Float32Array): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length) throw new Error(`${name}: ${data.length} values for shape [${dims.join(",")}]`);
    const unique = this.fresh(name);
    this.initializers.push({ name: unique, dims: [...dims], dataType: FLOAT, rawData: float32Bytes(data) });
    return unique;
  }

  /** An int64 vector, e.g. a Reshape target. */
  int64s(name: string, values: readonly number[]): string {
    const unique = this.fresh(name);
    this.initializers.push({
      name: unique,
      dims: [values.length],
      dataType: INT64,
      rawData: int64Bytes(values),
    });
    return unique;
  }

  /** One node with one output; returns the output's name (`out` when given: a graph output). */
  node(
    opType: string,
    inputs: readonly string[],
    attrs: Record<string, AttributeValue> = {},
    out?: string,
  ): string {
    const output = out ?? this.fresh(opType.toLowerCase());
    this.nodes.push({
      opType,
      name: output,
      input: [...inputs],
      output: [output],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return output;
  }

  encode(docString: string): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: "genrebot models:convert",
      docString,
      opsetImport: [{ domain: "", version: OPSET }],
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

/** Row-major transpose of `data` (shape `dims`) so that output axis i is input axis perm[i]. */
export function transpose(
  data: Float32Array,
  dims: readonly number[],
  perm: readonly number[],
): { data: Float32Array; dims: number[] } {
  const rank = dims.length;
  const outDims = perm.map((p) => dims[p] as number);
  const inStrides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = (inStrides[i + 1] as number) * (dims[i + 1] as number);
  const stepFor = perm.map((p) => inStrides[p] as number);
  const out = new Float32Array(data.length);
  const index = new Array<number>(rank).fill(0);
  let source = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = data[source] as number;
    // Odometer over the output indices, moving the source offset by the matching input stride.
    for (let axis = rank - 1; axis >= 0; axis--) {
      const next = (index[axis] as number) + 1;
      if (next < (outDims[axis] as number)) {
        index[axis] = next;
        source += stepFor[axis] as number;
        break;
      }
      source -= (index[axis] as number) * (stepFor[axis] as number);
      index[axis] = 0;
    }
  }
  return { data: out, dims: outDims };
}

import { ByteBuffer } from "flatbuffers";

/**
 * A reader for the parts of a TFLite model (tensorflow/lite/schema/schema.fbs, file identifier
 * "TFL3") that a converter needs: tensors with their data and quantisation, and operators with
 * their builtin options. Fields are read by index in the schema's table (vtable slot 4 + 2·index);
 * the schema only ever appends fields, so these indices hold for every version.
 */
class Table {
  constructor(
    private readonly bb: ByteBuffer,
    private readonly pos: number,
  ) {}

  private at(field: number): number {
    return this.bb.__offset(this.pos, 4 + 2 * field);
  }

  int8(field: number, fallback = 0): number {
    const o = this.at(field);
    return o ? this.bb.readInt8(this.pos + o) : fallback;
  }

  int32(field: number, fallback = 0): number {
    const o = this.at(field);
    return o ? this.bb.readInt32(this.pos + o) : fallback;
  }

  string(field: number): string {
    const o = this.at(field);
    return o ? (this.bb.__string(this.pos + o) as string) : "";
  }

  table(field: number): Table | null {
    const o = this.at(field);
    return o ? new Table(this.bb, this.bb.__indirect(this.pos + o)) : null;
  }

  tables(field: number): Table[] {
    const o = this.at(field);
    if (!o) return [];
    const start = this.bb.__vector(this.pos + o);
    const length = this.bb.__vector_len(this.pos + o);
    return Array.from({ length }, (_, i) => new Table(this.bb, this.bb.__indirect(start + 4 * i)));
  }

  /** A vector of scalars, copied out (flatbuffer vectors need not be aligned for typed arrays). */
  private vector(field: number, width: number): { start: number; length: number } {
    const o = this.at(field);
    if (!o) return { start: 0, length: 0 };
    return { start: this.bb.__vector(this.pos + o), length: this.bb.__vector_len(this.pos + o) * width };
  }

  int32s(field: number): number[] {
    const { start, length } = this.vector(field, 1);
    return Array.from({ length }, (_, i) => this.bb.readInt32(start + 4 * i));
  }

  float32s(field: number): number[] {
    const { start, length } = this.vector(field, 1);
    return Array.from({ length }, (_, i) => this.bb.readFloat32(start + 4 * i));
  }

  int64s(field: number): number[] {
    const { start, length } = this.vector(field, 1);
    return Array.from({ length }, (_, i) => Number(this.bb.readInt64(start + 8 * i)));
  }

  bytes(field: number): Uint8Array {
    const { start, length } = this.vector(field, 1);
    return this.bb.bytes().slice(start, start + length);
  }
}

/** TensorType values used here. */
export const TensorType = { FLOAT32: 0, INT32: 2, INT8: 9 } as const;

/** BuiltinOperator values used here. */
export const Op = {
  ADD: 0,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  DEQUANTIZE: 6,
  FULLY_CONNECTED: 9,
  LOGISTIC: 14,
  RESHAPE: 22,
  MEAN: 40,
} as const;

export interface TfliteTensor {
  index: number;
  name: string;
  shape: number[];
  type: number;
  /** Raw little-endian contents (empty for activations). */
  data: Uint8Array;
  scale: number[];
  zeroPoint: number[];
}

export interface TfliteOperator {
  code: number;
  inputs: number[];
  outputs: number[];
  /** The builtin options table, read by field index in its schema table. */
  options: Table | null;
}

export interface TfliteModel {
  tensors: TfliteTensor[];
  operators: TfliteOperator[];
  inputs: number[];
  outputs: number[];
}

export function readTflite(file: Uint8Array): TfliteModel {
  const bb = new ByteBuffer(file);
  if (!bb.__has_identifier("TFL3")) throw new Error("not a TFLite model (no TFL3 identifier)");
  const model = new Table(bb, bb.readInt32(bb.position()) + bb.position());
  // Model: version 0, operator_codes 1, subgraphs 2, description 3, buffers 4.
  // OperatorCode: deprecated_builtin_code 0 (int8), custom_code 1, version 2, builtin_code 3 (int32);
  // newer writers fill both, older ones only the first.
  const codes = model.tables(1).map((c) => Math.max(c.int8(0), c.int32(3)));
  const buffers = model.tables(4).map((b) => b.bytes(0));
  const graphs = model.tables(2);
  const graph = graphs[0];
  if (!graph || graphs.length !== 1) throw new Error(`expected one subgraph, found ${graphs.length}`);
  // SubGraph: tensors 0, inputs 1, outputs 2, operators 3.
  // Tensor: shape 0, type 1, buffer 2, name 3, quantization 4.
  // QuantizationParameters: min 0, max 1, scale 2, zero_point 3.
  const tensors = graph.tables(0).map((t, index): TfliteTensor => {
    const quantization = t.table(4);
    return {
      index,
      name: t.string(3),
      shape: t.int32s(0),
      type: t.int8(1),
      data: buffers[t.int32(2)] ?? new Uint8Array(0),
      scale: quantization ? quantization.float32s(2) : [],
      zeroPoint: quantization ? quantization.int64s(3) : [],
    };
  });
  // Operator: opcode_index 0, inputs 1, outputs 2, builtin_options_type 3, builtin_options 4.
  const operators = graph.tables(3).map(
    (o): TfliteOperator => ({
      code: codes[o.int32(0)] ?? -1,
      inputs: o.int32s(1),
      outputs: o.int32s(2),
      options: o.table(4),
    }),
  );
  return { tensors, operators, inputs: graph.int32s(1), outputs: graph.int32s(2) };
}

/**
 * A constant tensor as float32: float32 data as is, int8 as (q − zero_point) × scale with one
 * scale per tensor (the only kind this converter accepts).
 */
export function dequantize(tensor: TfliteTensor): Float32Array {
  const view = new DataView(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  if (tensor.type === TensorType.FLOAT32) {
    return Float32Array.from({ length: tensor.data.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
  }
  if (tensor.type === TensorType.INT8) {
    if (tensor.scale.length !== 1)
      throw new Error(`${tensor.name}: ${tensor.scale.length} scales, expected 1`);
    const scale = tensor.scale[0] as number;
    const zero = tensor.zeroPoint[0] ?? 0;
    return Float32Array.from({ length: tensor.data.byteLength }, (_, i) => (view.getInt8(i) - zero) * scale);
  }
  throw new Error(`${tensor.name}: tensor type ${tensor.type} is not float32 or int8`);
}

import { reserve, withWasm } from "../../audio/index.js";

/**
 * Sliding medians for scipy.ndimage.median_filter(mode="reflect") with an odd 1-D kernel, as
 * librosa.decompose.hpss applies along time and along frequency. The inner loop is WebAssembly
 * SIMD (median.wat): four windows advance together in the lanes of one vector, and each step
 * finds the new median from the previous one with one branch-free pass over the window.
 *
 * The inputs are magnitudes (non-negative float32), whose bit patterns read as int32 sort exactly
 * like the floats: the filters work on Int32Array views of the same memory, so every comparison
 * is an integer one and each median is one of the input values, bit for bit.
 */

/** scipy "reflect" extension (d c b a | a b c d | d c b a) of index i into [0, n). */
export function reflectIndex(i: number, n: number): number {
  const period = 2 * n;
  const m = ((i % period) + period) % period;
  return m < n ? m : period - 1 - m;
}

interface MedianModule {
  memory: WebAssembly.Memory;
  run(input: number, posStride: number, positions: number, out: number, outStride: number, k: number): void;
  interleave(
    input: number,
    rows: number,
    length: number,
    columns: number,
    extended: number,
    out: number,
  ): void;
  deinterleave(input: number, groups: number, length: number, out: number): void;
}

const MEDIAN_WASM = new URL("./median.wasm", import.meta.url);

/** The module's memory as int32, grown to hold at least `int32s` values. */
function memory(module: MedianModule, int32s: number): Int32Array {
  return new Int32Array(reserve(module.memory, int32s * 4));
}

const bits = (values: Float32Array) => new Int32Array(values.buffer, values.byteOffset, values.length);

function checkKernel(size: number): void {
  if (!Number.isInteger(size) || size < 1 || size % 2 === 0)
    throw new RangeError(`median kernel must be odd, not ${size}`);
}

/**
 * Median over a window of `size` (odd) along each row of a row-major `rows × length` matrix of
 * non-negative values: librosa's percussive filter (kernel across frequency within each frame).
 * Rows are interleaved four at a time, so the four lanes of a vector hold the same position of
 * four rows and one row's window is `size` consecutive vectors.
 */
export function medianFilterRows(
  matrix: Float32Array,
  rows: number,
  length: number,
  size: number,
): Float32Array {
  checkKernel(size);
  return withWasm(MEDIAN_WASM, (module: MedianModule) => {
    const half = (size - 1) / 2;
    const groups = Math.ceil(rows / 4);
    const extended = length + size - 1;
    // The module's memory, in int32s: the matrix, the reflect column table, the interleaved rows,
    // their medians (interleaved), and the medians as rows (padded to whole groups).
    const columnsAt = matrix.length;
    const interleavedAt = Math.ceil((columnsAt + extended) / 4) * 4;
    const mediansAt = interleavedAt + groups * extended * 4;
    const rowsAt = mediansAt + groups * length * 4;
    const heap = memory(module, rowsAt + groups * 4 * length);
    heap.set(bits(matrix), 0);
    for (let e = 0; e < extended; e++) heap[columnsAt + e] = reflectIndex(e - half, length);
    module.interleave(0, rows, length, 4 * columnsAt, extended, 4 * interleavedAt);
    for (let g = 0; g < groups; g++)
      module.run(
        4 * (interleavedAt + g * extended * 4),
        16,
        length,
        4 * (mediansAt + g * length * 4),
        16,
        size,
      );
    module.deinterleave(4 * mediansAt, groups, length, 4 * rowsAt);
    const result = new Float32Array(matrix.length);
    bits(result).set(heap.subarray(rowsAt, rowsAt + matrix.length));
    return result;
  });
}

/**
 * Median over a window of `size` (odd) down each column of a row-major `rows × length` matrix of
 * non-negative values: librosa's harmonic filter (kernel across time for each frequency bin). The
 * four lanes of a vector are four neighbouring columns, read straight from the rows.
 */
export function medianFilterColumns(
  matrix: Float32Array,
  rows: number,
  length: number,
  size: number,
): Float32Array {
  checkKernel(size);
  return withWasm(MEDIAN_WASM, (module: MedianModule) => {
    const half = (size - 1) / 2;
    const width = Math.ceil(length / 4) * 4;
    const inputInts = (rows + size - 1) * width;
    const heap = memory(module, inputInts + rows * width);
    const input = bits(matrix);
    for (let e = 0; e < rows + size - 1; e++) {
      const from = reflectIndex(e - half, rows) * length;
      heap.set(input.subarray(from, from + length), e * width);
      heap.fill(0, e * width + length, (e + 1) * width);
    }
    for (let g = 0; g < width / 4; g++)
      module.run(16 * g, 4 * width, rows, 4 * (inputInts + 4 * g), 4 * width, size);
    const result = new Float32Array(matrix.length);
    const out = bits(result);
    for (let r = 0; r < rows; r++)
      out.set(heap.subarray(inputInts + r * width, inputInts + r * width + length), r * length);
    return result;
  });
}

/**
 * Sliding medians for scipy.ndimage.median_filter(mode="reflect") with an odd 1-D kernel, as
 * librosa.decompose.hpss applies along time and along frequency. Each window is kept sorted and
 * updated by replacing the sample that leaves with the one that enters (two binary searches and
 * a short shift), instead of re-sorting 31 values for each of the 1.3 M spectrogram cells.
 *
 * The inputs are magnitudes (non-negative float32), whose bit patterns read as int32 sort exactly
 * like the floats: the filters work on Int32Array views of the same memory, so every comparison
 * is an integer one and no value is converted to double on its way through the windows.
 */

/** scipy "reflect" extension (d c b a | a b c d | d c b a) of index i into [0, n). */
export function reflectIndex(i: number, n: number): number {
  const period = 2 * n;
  const m = ((i % period) + period) % period;
  return m < n ? m : period - 1 - m;
}

/**
 * Replace one occurrence of `leaving` by `entering` in the sorted run window[base .. base+size),
 * size = 2^m − 1. Both ranks come from branch-free binary searches (the sign of an int32
 * difference selects each step), which avoids the mispredicted branches that dominate a plain
 * binary search; only the shift between the two ranks is a loop.
 */
function replaceSorted(window: Int32Array, base: number, size: number, leaving: number, entering: number) {
  let out = base;
  let into = base;
  for (let step = (size + 1) >> 1; step > 0; step >>= 1) {
    out += step & (((window[out + step - 1] as number) - leaving) >> 31);
    into += step & (((window[into + step - 1] as number) - entering) >> 31);
  }
  // `out` holds the leaving value; `into` counts the values below the entering one.
  if (into > out) {
    into--;
    for (let i = out; i < into; i++) window[i] = window[i + 1] as number;
  } else {
    for (let i = out; i > into; i--) window[i] = window[i - 1] as number;
  }
  window[into] = entering;
}

const bits = (values: Float32Array) => new Int32Array(values.buffer, values.byteOffset, values.length);

function checkKernel(size: number): void {
  if (size < 1 || ((size + 1) & size) !== 0)
    throw new RangeError(`median kernel must be 2^m - 1 long, not ${size}`);
}

/**
 * Median over a window of `size` (odd) along each row of a row-major `rows × length` matrix of
 * non-negative values: librosa's percussive filter (kernel across frequency within each frame).
 */
export function medianFilterRows(
  matrix: Float32Array,
  rows: number,
  length: number,
  size: number,
): Float32Array {
  checkKernel(size);
  const half = (size - 1) / 2;
  const input = bits(matrix);
  const result = new Float32Array(matrix.length);
  const out = bits(result);
  const extended = new Int32Array(length + 2 * half);
  const window = new Int32Array(size);
  for (let r = 0; r < rows; r++) {
    const base = r * length;
    extended.set(input.subarray(base, base + length), half);
    for (let j = 0; j < half; j++) {
      extended[half - 1 - j] = input[base + reflectIndex(-1 - j, length)] as number;
      extended[half + length + j] = input[base + reflectIndex(length + j, length)] as number;
    }
    window.set(extended.subarray(0, size));
    window.sort();
    out[base] = window[half] as number;
    for (let i = 1; i < length; i++) {
      replaceSorted(window, 0, size, extended[i - 1] as number, extended[i + size - 1] as number);
      out[base + i] = window[half] as number;
    }
  }
  return result;
}

/**
 * Median over a window of `size` (odd) down each column of a row-major `rows × length` matrix of
 * non-negative values: librosa's harmonic filter (kernel across time for each frequency bin).
 * All columns advance together one row at a time, so memory is read row by row instead of with
 * a 4 KB stride.
 */
export function medianFilterColumns(
  matrix: Float32Array,
  rows: number,
  length: number,
  size: number,
): Float32Array {
  checkKernel(size);
  const half = (size - 1) / 2;
  const input = bits(matrix);
  const result = new Float32Array(matrix.length);
  const out = bits(result);
  const windows = new Int32Array(length * size);
  for (let c = 0; c < length; c++) {
    const base = c * size;
    for (let j = 0; j < size; j++)
      windows[base + j] = input[reflectIndex(j - half, rows) * length + c] as number;
    windows.subarray(base, base + size).sort();
  }
  for (let r = 0; r < rows; r++) {
    if (r > 0) {
      const leavingRow = reflectIndex(r - 1 - half, rows) * length;
      const enteringRow = reflectIndex(r + half, rows) * length;
      for (let c = 0; c < length; c++) {
        replaceSorted(
          windows,
          c * size,
          size,
          input[leavingRow + c] as number,
          input[enteringRow + c] as number,
        );
      }
    }
    const rowBase = r * length;
    for (let c = 0; c < length; c++) out[rowBase + c] = windows[c * size + half] as number;
  }
  return result;
}

/**
 * Sliding medians for scipy.ndimage.median_filter(mode="reflect") with an odd 1-D kernel, as
 * librosa.decompose.hpss applies along time and along frequency. Each window is kept sorted and
 * updated by replacing the sample that leaves with the one that enters (a binary search and a
 * short shift), instead of re-sorting 31 values for each of the 1.3 M spectrogram cells.
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

/** Replace one occurrence of `leaving` by `entering` in the sorted run window[base .. base+size). */
function replaceSorted(window: Int32Array, base: number, size: number, leaving: number, entering: number) {
  let lo = base;
  let hi = base + size - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((window[mid] as number) < leaving) lo = mid + 1;
    else hi = mid;
  }
  let i = lo;
  if (entering > leaving) {
    const last = base + size - 1;
    while (i < last && (window[i + 1] as number) < entering) {
      window[i] = window[i + 1] as number;
      i++;
    }
  } else {
    while (i > base && (window[i - 1] as number) > entering) {
      window[i] = window[i - 1] as number;
      i--;
    }
  }
  window[i] = entering;
}

/** Insertion sort of window[base .. base+size): for the 31-value windows it beats a generic sort. */
function sortRun(window: Int32Array, base: number, size: number) {
  for (let i = base + 1; i < base + size; i++) {
    const value = window[i] as number;
    let j = i - 1;
    while (j >= base && (window[j] as number) > value) {
      window[j + 1] = window[j] as number;
      j--;
    }
    window[j + 1] = value;
  }
}

const bits = (values: Float32Array) => new Int32Array(values.buffer, values.byteOffset, values.length);

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
  const half = (size - 1) / 2;
  const input = bits(matrix);
  const result = new Float32Array(matrix.length);
  const out = bits(result);
  const extended = new Int32Array(length + 2 * half);
  const window = new Int32Array(size);
  for (let r = 0; r < rows; r++) {
    const base = r * length;
    for (let j = 0; j < extended.length; j++)
      extended[j] = input[base + reflectIndex(j - half, length)] as number;
    window.set(extended.subarray(0, size));
    sortRun(window, 0, size);
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
  const half = (size - 1) / 2;
  const input = bits(matrix);
  const result = new Float32Array(matrix.length);
  const out = bits(result);
  const windows = new Int32Array(length * size);
  for (let c = 0; c < length; c++) {
    const base = c * size;
    for (let j = 0; j < size; j++)
      windows[base + j] = input[reflectIndex(j - half, rows) * length + c] as number;
    sortRun(windows, base, size);
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

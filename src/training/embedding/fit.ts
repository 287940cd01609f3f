import type { SimilarityTransform } from "../../classifier/index.js";
import { symmetricEigen } from "./linalg.js";

/** Rows of equal length (one per clip) and their genre indices. */
export interface Labelled {
  rows: Float64Array[];
  labels: number[];
}

function columnMeans(rows: Float64Array[]): Float64Array {
  const mean = new Float64Array((rows[0] as Float64Array).length);
  for (const row of rows)
    for (let i = 0; i < row.length; i++) mean[i] = (mean[i] as number) + (row[i] as number);
  return mean.map((v) => v / rows.length);
}

/** Per-dimension mean and standard deviation over `rows` (population; a floor keeps dead units finite). */
export function fitStandardiser(rows: Float64Array[]): { mean: Float64Array; scale: Float64Array } {
  const mean = columnMeans(rows);
  const scale = new Float64Array(mean.length);
  for (const row of rows)
    for (let i = 0; i < row.length; i++)
      scale[i] = (scale[i] as number) + ((row[i] as number) - (mean[i] as number)) ** 2;
  return { mean, scale: scale.map((v) => Math.sqrt(v / rows.length) + 1e-6) };
}

/**
 * The top `k` principal axes of `rows` (k × d, row-major), from the eigenvectors of the n × n Gram
 * matrix: with 240 training clips this is far cheaper than the d × d covariance.
 */
export function fitPca(rows: Float64Array[], k: number): Float64Array {
  const n = rows.length;
  const d = (rows[0] as Float64Array).length;
  const mean = columnMeans(rows);
  const centred = rows.map((row) => row.map((v, i) => v - (mean[i] as number)));
  const gram = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      let dot = 0;
      const ra = centred[a] as Float64Array;
      const rb = centred[b] as Float64Array;
      for (let i = 0; i < d; i++) dot += (ra[i] as number) * (rb[i] as number);
      gram[a * n + b] = dot;
      gram[b * n + a] = dot;
    }
  }
  const { values, vectors } = symmetricEigen(gram, n);
  const axes = new Float64Array(k * d);
  for (let c = 0; c < k; c++) {
    // axis = Xᵀu / ‖Xᵀu‖ = Xᵀu / √λ
    const norm = Math.sqrt(Math.max(values[c] as number, 1e-300));
    for (let a = 0; a < n; a++) {
      const weight = (vectors[c * n + a] as number) / norm;
      const row = centred[a] as Float64Array;
      for (let i = 0; i < d; i++) axes[c * d + i] = (axes[c * d + i] as number) + weight * (row[i] as number);
    }
  }
  for (let c = 0; c < k; c++) fixSign(axes.subarray(c * d, (c + 1) * d));
  return axes;
}

/**
 * Shrinkage LDA: the `classes − 1` directions (rows, k × d) that best separate the classes
 * relative to the spread within them, with the within-class covariance shrunk towards its mean
 * variance by `shrinkage` (0 = none, 1 = plain class-mean directions).
 */
export function fitLda({ rows, labels }: Labelled, shrinkage: number): Float64Array {
  const d = (rows[0] as Float64Array).length;
  const classes = Math.max(...labels) + 1;
  const mean = columnMeans(rows);
  const within = new Float64Array(d * d);
  const between = new Float64Array(d * d);
  for (let c = 0; c < classes; c++) {
    const members = rows.filter((_, i) => labels[i] === c);
    const centre = columnMeans(members);
    for (const row of members)
      for (let i = 0; i < d; i++)
        for (let j = 0; j < d; j++)
          within[i * d + j] =
            (within[i * d + j] as number) +
            ((row[i] as number) - (centre[i] as number)) * ((row[j] as number) - (centre[j] as number));
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++)
        between[i * d + j] =
          (between[i * d + j] as number) +
          members.length *
            ((centre[i] as number) - (mean[i] as number)) *
            ((centre[j] as number) - (mean[j] as number));
  }
  let trace = 0;
  for (let i = 0; i < d; i++) trace += within[i * d + i] as number;
  for (let i = 0; i < d * d; i++) within[i] = (1 - shrinkage) * (within[i] as number);
  for (let i = 0; i < d; i++) within[i * d + i] = (within[i * d + i] as number) + (shrinkage * trace) / d;
  // Directions: W^-1/2 · (eigenvectors of W^-1/2 B W^-1/2).
  const w = symmetricEigen(within, d);
  const inverseRoot = new Float64Array(d * d);
  for (let e = 0; e < d; e++) {
    const scale = 1 / Math.sqrt(w.values[e] as number);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++)
        inverseRoot[i * d + j] =
          (inverseRoot[i * d + j] as number) +
          scale * (w.vectors[e * d + i] as number) * (w.vectors[e * d + j] as number);
  }
  const sandwiched = multiply(multiply(inverseRoot, between, d), inverseRoot, d);
  const b = symmetricEigen(sandwiched, d);
  const directions = new Float64Array((classes - 1) * d);
  for (let c = 0; c < classes - 1; c++)
    for (let i = 0; i < d; i++) {
      let sum = 0;
      for (let j = 0; j < d; j++)
        sum += (inverseRoot[i * d + j] as number) * (b.vectors[c * d + j] as number);
      directions[c * d + i] = sum;
    }
  for (let c = 0; c < classes - 1; c++) fixSign(directions.subarray(c * d, (c + 1) * d));
  return directions;
}

/** An eigenvector's sign is arbitrary: make its largest component positive, so refits compare. */
function fixSign(vector: Float64Array): void {
  const largest = vector.reduce((best, v) => (Math.abs(v) > Math.abs(best) ? v : best), 0);
  if (largest < 0) for (let i = 0; i < vector.length; i++) vector[i] = -(vector[i] as number);
}

function multiply(a: Float64Array, b: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let k = 0; k < d; k++) {
      const aik = a[i * d + k] as number;
      if (aik === 0) continue;
      for (let j = 0; j < d; j++)
        out[i * d + j] = (out[i * d + j] as number) + aik * (b[k * d + j] as number);
    }
  return out;
}

/** Fits the shipped recipe (see SimilarityTransform) on training rows of musicnn `dense` means. */
export function fitSimilarityTransform(
  dense: Labelled,
  options: { components: number; shrinkage: number; genreWeight: number },
): Omit<SimilarityTransform, "about"> {
  const rooted = dense.rows.map((row) => row.map(Math.sqrt));
  const { mean, scale } = fitStandardiser(rooted);
  const standardised = rooted.map((row) =>
    row.map((v, i) => (v - (mean[i] as number)) / (scale[i] as number)),
  );
  const pca = fitPca(standardised, options.components);
  const d = mean.length;
  const projected = standardised.map((row) =>
    Float64Array.from({ length: options.components }, (_, c) => {
      let sum = 0;
      for (let i = 0; i < d; i++) sum += (pca[c * d + i] as number) * (row[i] as number);
      return sum;
    }),
  );
  const lda = fitLda({ rows: projected, labels: dense.labels }, options.shrinkage);
  return {
    inputs: d,
    mean: Array.from(mean),
    scale: Array.from(scale),
    pca: Array.from(pca),
    lda: Array.from(lda),
    genreWeight: options.genreWeight,
  };
}

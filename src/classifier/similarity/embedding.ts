/**
 * The similarity embedding v2: what `/similar` compares, built from musicnn MSD's 200-d `dense`
 * layer (mean over the clip's 3 s patches) with a transform fitted on Emotify ids 1–60 only
 * (`npm run embedding:study`, file models/embedding/similarity-v2.json, figures in its README):
 *
 *   x = √dense, standardised per unit → p = PCA to `components` dims (unwhitened)
 *   g = shrinkage-LDA directions (genres − 1 of them) applied to p
 *   embedding = [ p / ‖p‖ , genreWeight · g / ‖g‖ ]   (float32, compared by cosine)
 *
 * The PCA part keeps what the network hears in general (what makes two songs alike beyond their
 * genre); the few LDA dimensions pull tracks of one genre together. 35 float32 = 140 bytes a track.
 */
export interface SimilarityTransform {
  /** What it is and how it was fitted, for whoever opens the file. */
  about: string;
  /** Length of the input (`dense`: 200). */
  inputs: number;
  mean: number[];
  scale: number[];
  /** components × inputs, row-major. */
  pca: number[];
  /** (genres − 1) × components, row-major. */
  lda: number[];
  genreWeight: number;
}

function project(matrix: number[], input: ArrayLike<number>, rows: number, columns: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < columns; c++) sum += (matrix[r * columns + c] as number) * (input[c] as number);
    out[r] = sum;
  }
  return out;
}

function norm(v: Float64Array): number {
  let sum = 0;
  for (const x of v) sum += x * x;
  return Math.sqrt(sum) || 1; // an all-zero part stays zero
}

/** Dimensions of the embedding a transform produces. */
export function embeddingSize(transform: SimilarityTransform): number {
  const components = transform.pca.length / transform.inputs;
  return components + transform.lda.length / components;
}

/** musicnn `dense` (clip mean, 200 values ≥ 0) → the stored similarity embedding. */
export function similarityEmbedding(transform: SimilarityTransform, dense: ArrayLike<number>): Float32Array {
  const { inputs, mean, scale, pca, lda, genreWeight } = transform;
  if (dense.length !== inputs) throw new Error(`expected ${inputs} dense values, got ${dense.length}`);
  const x = Float64Array.from(
    { length: inputs },
    (_, i) => (Math.sqrt(Math.max(0, dense[i] as number)) - (mean[i] as number)) / (scale[i] as number),
  );
  const components = pca.length / inputs;
  const p = project(pca, x, components, inputs);
  const g = project(lda, p, lda.length / components, components);
  const pNorm = norm(p);
  const gNorm = norm(g) / genreWeight;
  const out = new Float32Array(p.length + g.length);
  p.forEach((v, i) => {
    out[i] = v / pNorm;
  });
  g.forEach((v, i) => {
    out[p.length + i] = v / gNorm;
  });
  return out;
}

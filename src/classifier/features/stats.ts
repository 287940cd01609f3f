export interface MeanVariance {
  mean: number;
  variance: number;
}

/** np.mean and np.var (population variance, ddof=0), two-pass in float64 like numpy's np.var. */
export function meanVariance(values: ArrayLike<number>): MeanVariance {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - mean;
    squares += d * d;
  }
  return { mean, variance: squares / n };
}

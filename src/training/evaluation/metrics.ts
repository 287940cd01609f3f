export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** How many clips truly have this label. */
  support: number;
}

export interface Evaluation {
  accuracy: number;
  count: number;
  /** Row/column order of `confusion`: the model's labels, then any unknown true labels. */
  labels: string[];
  perClass: ClassMetrics[];
  /** confusion[true][predicted] counts. */
  confusion: number[][];
}

/** Accuracy, per-label precision/recall/F1 and the confusion matrix of predicted vs. true labels. */
export function evaluatePredictions(modelLabels: string[], truth: string[], predicted: string[]): Evaluation {
  const labels = [
    ...modelLabels,
    ...[...new Set(truth)].filter((label) => !modelLabels.includes(label)).sort(),
  ];
  const index = new Map(labels.map((label, i) => [label, i]));
  const confusion = labels.map(() => labels.map(() => 0));
  let correct = 0;
  truth.forEach((actual, i) => {
    const guess = predicted[i] ?? "";
    if (guess === actual) correct++;
    const row = confusion[index.get(actual) ?? 0];
    const col = index.get(guess);
    if (row && col !== undefined) row[col] = (row[col] ?? 0) + 1;
  });
  const perClass = labels.map((label, i) => {
    const truePositives = confusion[i]?.[i] ?? 0;
    const support = (confusion[i] ?? []).reduce((a, b) => a + b, 0);
    const predictedCount = confusion.reduce((sum, row) => sum + (row[i] ?? 0), 0);
    const precision = predictedCount > 0 ? truePositives / predictedCount : 0;
    const recall = support > 0 ? truePositives / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  return {
    accuracy: truth.length > 0 ? correct / truth.length : 0,
    count: truth.length,
    labels,
    perClass,
    confusion,
  };
}

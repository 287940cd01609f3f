/**
 * The scratch study behind expert B's head variants (issue 13's last point), kept in the model card
 * so the choice can be revisited. Measured with an exact (L-BFGS) fit of the same class-balanced
 * logistic regression, on the same clips and 5 folds (clip index mod 5, a clip's patches together),
 * L2 chosen there by CV accuracy; the card's own head table comes from the training run itself.
 */
export const HEAD_EXPLORED = [
  "Each line: inputs — L2 (CV) · CV accuracy on ids 1–60 · Emotify 61–80 4-way · the fusion grid's pick (Emotify 11-way · WAVs).",
  "Clip means: musicnn dense with L2 up to 10 — 10 · 76.7 % · 80.0 % · 80.0 % · 8/10 (the only grid point reaching both); √dense — 0.1 · 77.5 % · 78.8 % · 78.8 % · 8/10; dense + the 50 MSD tags — 10 · 76.2 % · 78.8 % · 78.8 % · 8/10; √dense + tags — 0.1 · 75.8 % · 76.3 % · 76.3 % · 8/10; the mean of √patch dense — 1 · 75.8 % · 76.3 % · 76.3 % · 8/10.",
  "Shrinkage LDA instead of the logistic regression (shrinkage by CV): dense — 0.5 · 75.4 % · 77.5 % · 77.5 % · 7/10; √dense — 0.5 · 76.7 % · 77.5 % · 77.5 % · 7/10; per patch on √dense — 0.1 · 75.4 % · 80.0 % · 80.0 % · 7/10.",
  "Per 3 s patch (≈2,400 rows), clip = geometric mean of the patches: dense — 10 · 75.0 % · 80.0 % · 75.0 % · 9/10; √dense — 0.1 · 77.9 % · 81.3 % · 80.0 % · 8/10; log(1 + dense) — 1 · 75.8 % · 78.8 % · 78.8 % · 8/10; dense + tags — 10 · 75.8 % · 80.0 % · 75.0 % · 9/10; √(dense + tags) — 1 · 75.0 % · 78.8 % · 78.8 % · 8/10.",
  "Per patch, clip = arithmetic mean of the patches' probabilities: dense — 10 · 75.4 % · 78.8 % · 73.8 % · 9/10; √dense — 1 · 76.7 % · 78.8 % · 78.8 % · 8/10.",
  "CV log-loss at L2 0.001 / 0.01 / 0.1: dense 1.478 / 0.944 / 0.692; √dense 1.194 / 0.797 / 0.641; per-patch dense 0.755 / 0.650 / 0.638; per-patch √dense 0.701 / 0.607 / 0.611 — the per-patch √dense head is the best calibrated, which is why the shipped choice is made by log-loss: CV accuracy differences between these heads (72.9–77.9 %) are within its noise (±2.7 points on 240 clips).",
  "Not tried for lack of time: bagging, YAMNet per patch.",
];

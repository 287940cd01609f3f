import type { NetworkConfig } from "../classifier/index.js";
import type { Candidate } from "./recipe.js";

/**
 * The settings the selection step chooses among. They come from exploring the artist-filtered
 * GTZAN valid split (see models/genre/README.md): wide or deep nets overfit the 443 training
 * clips, so these are small, heavily regularised, and stop early.
 */
const BASE: NetworkConfig = {
  hidden: [],
  embeddingSize: 32,
  dropout: 0.3,
  inputDropout: 0.1,
  inputNoise: 0.1,
  l2: 1e-3,
  mixup: 0,
  learningRate: 1e-3,
  batchSize: 32,
  epochs: 200,
  balanceClasses: true,
  seed: 42,
};

/**
 * Clip-level means of the harmonic/percussive waveforms are ~0 by construction and tempo is a
 * single noisy estimate; leaving them out helped on held-out clips.
 */
const NOISY_FEATURES = new Set(["tempo", "harmony_mean", "perceptr_mean"]);

export function shippedCandidates(featureNames: readonly string[]): Candidate[] {
  const all = [...featureNames];
  const trimmed = all.filter((name) => !NOISY_FEATURES.has(name));
  const candidate = (name: string, config: Partial<NetworkConfig>, names = trimmed): Candidate => ({
    name,
    config: { ...BASE, ...config },
    featureNames: names,
    logVariances: true,
  });
  return [
    candidate("tanh32", {}),
    candidate("tanh32-all-features", {}, all),
    candidate("tanh32-noise0.3", { inputNoise: 0.3 }),
    candidate("tanh32-mixup0.3", { mixup: 0.3 }),
    candidate("relu64-tanh32", { hidden: [64], dropout: 0.5 }),
  ];
}

/** For a user's own label folders: one sensible setting, early-stopped on a held-out slice. */
export function folderCandidate(featureNames: readonly string[], epochs: number): Candidate {
  return {
    name: "tanh32",
    config: { ...BASE, epochs },
    featureNames: featureNames.filter((name) => !NOISY_FEATURES.has(name)),
    logVariances: true,
  };
}

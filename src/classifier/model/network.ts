import type { LayersModel, Scalar, Tensor, Variable } from "@tensorflow/tfjs";
import type { Tf } from "../tf.js";
import { seededRandom, shuffledIndices } from "./rng.js";

/** Everything that decides the network and how it is trained; saved into metrics.json. */
export interface NetworkConfig {
  hidden: number[];
  embeddingSize: number;
  dropout: number;
  inputDropout: number;
  /** Standard deviation of Gaussian noise added to the standardised inputs while training. */
  inputNoise: number;
  l2: number;
  /** Beta(α, α) mixup strength; 0 disables it. */
  mixup: number;
  learningRate: number;
  batchSize: number;
  epochs: number;
  /** Weight each class by the inverse of its frequency so small classes are not ignored. */
  balanceClasses: boolean;
  seed: number;
}

export interface TrainingSet {
  /** Row-major standardised inputs. */
  x: Float32Array;
  labels: number[];
}

export const EMBEDDING_LAYER = "embedding";

/**
 * A small MLP: hidden ReLU layers → the embedding layer (tanh, so its direction carries the
 * meaning used for cosine similarity) → softmax over the labels. Dropout is not a layer of the
 * saved model: it is applied in the training loop with explicit seeds (tfjs's seeded Dropout
 * layer would reuse one mask for every step).
 */
export function buildNetwork(tf: Tf, config: NetworkConfig, inputSize: number, classes: number): LayersModel {
  const seed = config.seed;
  // A fixed name: tfjs would otherwise number models per process (sequential_1, _2…) and the
  // saved model.json would depend on how many models were built before it.
  const model = tf.sequential({ name: "genre_mlp" });
  const sizes = [...config.hidden, config.embeddingSize];
  sizes.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: i === sizes.length - 1 ? "tanh" : "relu",
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }),
        name: i === sizes.length - 1 ? EMBEDDING_LAYER : `hidden${i + 1}`,
        ...(i === 0 ? { inputShape: [inputSize] } : {}),
      }),
    );
  });
  model.add(
    tf.layers.dense({
      units: classes,
      activation: "softmax",
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + sizes.length }),
      name: "genres",
    }),
  );
  return model;
}

/** Per-class weights n / (k · count), 1 for every class when balancing is off. */
function classWeights(labels: number[], classes: number, balance: boolean): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const label of labels) counts[label] = (counts[label] ?? 0) + 1;
  return counts.map((count) => (balance && count > 0 ? labels.length / (classes * count) : 1));
}

/** A Beta(α, α) sample from two Gamma(α) samples (Marsaglia–Tsang, α boosted below 1). */
function betaSample(alpha: number, random: () => number): number {
  const gamma = (shape: number): number => {
    if (shape < 1) return gamma(shape + 1) * random() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const u1 = random() || Number.MIN_VALUE;
      const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * random());
      const v = (1 + c * normal) ** 3;
      if (v > 0 && Math.log(random() || Number.MIN_VALUE) < 0.5 * normal ** 2 + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  };
  const a = gamma(alpha);
  return a / (a + gamma(alpha));
}

/**
 * Trains `model` in place with a hand-written loop so every random draw is seeded: batch order,
 * mixup partners, dropout masks and input noise. `onEpoch` may return true to stop early.
 */
export async function trainNetwork(
  tf: Tf,
  model: LayersModel,
  config: NetworkConfig,
  data: TrainingSet,
  classes: number,
  onEpoch?: (epoch: number) => boolean | undefined | Promise<boolean | undefined>,
): Promise<void> {
  const random = seededRandom(config.seed);
  const width = data.x.length / data.labels.length;
  const n = data.labels.length;
  const weights = classWeights(data.labels, classes, config.balanceClasses);
  const optimizer = tf.train.adam(config.learningRate);
  const dense = model.layers;
  // Explicit variable list: other models alive in this process (e.g. an ensemble) must not be
  // touched by this optimizer.
  const variables = model.trainableWeights.map((w) => w.read() as Variable);
  const kernels = dense.map((layer) => layer.trainableWeights[0]?.read() as Tensor);
  const step = (xb: Float32Array, yb: Float32Array, wb: Float32Array, rows: number): void => {
    tf.tidy(() => {
      optimizer.minimize(
        () => {
          let h: Tensor = tf.tensor2d(xb, [rows, width]);
          if (config.inputNoise > 0) {
            h = h.add(
              tf.randomNormal(h.shape, 0, config.inputNoise, "float32", Math.floor(random() * 2 ** 31)),
            );
          }
          if (config.inputDropout > 0) {
            h = tf.dropout(h, config.inputDropout, undefined, Math.floor(random() * 2 ** 31));
          }
          dense.forEach((layer, i) => {
            h = layer.apply(h) as Tensor;
            if (i < dense.length - 1 && config.dropout > 0) {
              h = tf.dropout(h, config.dropout, undefined, Math.floor(random() * 2 ** 31));
            }
          });
          const y = tf.tensor2d(yb, [rows, classes]);
          const perSample = y.mul(h.clipByValue(1e-7, 1).log()).sum(1).neg();
          const loss = perSample.mul(tf.tensor1d(wb)).mean();
          const penalty = kernels.reduce((sum: Tensor, k) => sum.add(k.square().sum()), tf.scalar(0));
          return loss.add(penalty.mul(config.l2)) as Scalar;
        },
        false,
        variables,
      );
    });
  };
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    const order = shuffledIndices(n, random);
    for (let start = 0; start < n; start += config.batchSize) {
      const batch = order.slice(start, start + config.batchSize);
      const rows = batch.length;
      const xb = new Float32Array(rows * width);
      const yb = new Float32Array(rows * classes);
      const wb = new Float32Array(rows);
      batch.forEach((index, r) => {
        const label = data.labels[index] as number;
        const lambda = config.mixup > 0 ? betaSample(config.mixup, random) : 1;
        const partner = config.mixup > 0 ? (order[Math.floor(random() * n)] as number) : index;
        const partnerLabel = data.labels[partner] as number;
        for (let f = 0; f < width; f++) {
          xb[r * width + f] =
            lambda * (data.x[index * width + f] as number) +
            (1 - lambda) * (data.x[partner * width + f] as number);
        }
        yb[r * classes + label] = (yb[r * classes + label] ?? 0) + lambda;
        yb[r * classes + partnerLabel] = (yb[r * classes + partnerLabel] ?? 0) + (1 - lambda);
        wb[r] = lambda * (weights[label] ?? 1) + (1 - lambda) * (weights[partnerLabel] ?? 1);
      });
      step(xb, yb, wb, rows);
    }
    if (await onEpoch?.(epoch)) break;
  }
  optimizer.dispose();
}

/** Softmax probabilities and embeddings (not yet normalised) for rows of standardised inputs. */
export function runNetwork(
  tf: Tf,
  model: LayersModel,
  x: Float32Array,
  rows: number,
): { probabilities: Float32Array; embeddings: Float32Array } {
  const width = x.length / Math.max(rows, 1);
  return tf.tidy(() => {
    let h: Tensor = tf.tensor2d(x, [rows, width]);
    let embedding: Tensor | undefined;
    for (const layer of model.layers) {
      h = layer.apply(h) as Tensor;
      if (layer.name === EMBEDDING_LAYER) embedding = h;
    }
    if (!embedding) throw new Error(`model has no "${EMBEDDING_LAYER}" layer`);
    return {
      probabilities: h.dataSync() as Float32Array,
      embeddings: embedding.dataSync() as Float32Array,
    };
  });
}

import type { Tensor4D } from "@tensorflow/tfjs";
import type { Tf } from "../src/classifier/tf.js";
import { withMusicnnWeights } from "../src/training/convert/musicnn.js";

/**
 * MSD_musicnn as TensorFlow.js ops, NHWC exactly as the Keras graph (../shared/models-src/README.md),
 * from the same h5 weights: the runtime onnxruntime-node replaced, kept in the bench so the choice
 * stays checked. Returns a function from patches [N,187,96] to `tags` and `dense`.
 */
export async function musicnnOnTfjs(
  tf: Tf,
  h5Path: string,
): Promise<(patches: Float32Array, count: number) => { tags: Float32Array; dense: Float32Array }> {
  // Read every tensor eagerly while the h5 file is open.
  const all = await withMusicnnWeights(h5Path, (layer) => {
    const names = [
      "batch_normalization",
      ...["conv2d", "conv2d_1", "conv2d_2", "conv2d_3", "conv2d_4"],
      ...[1, 2, 3, 4, 5].map((i) => `batch_normalization_${i}`),
      ...[1, 2, 3].flatMap((i) => [`midend_conv${i}`, `bn_midend_conv${i}`]),
      "bn_flatpool",
      "dense",
      "bn_dense",
      "dense_1",
    ];
    const out: Record<string, Record<string, ReturnType<typeof tf.tensor>>> = {};
    for (const name of names) {
      const w = layer(name);
      const isNorm = name.startsWith("bn_") || name.startsWith("batch_normalization");
      const keys = isNorm ? ["gamma", "beta", "moving_mean", "moving_variance"] : ["kernel", "bias"];
      out[name] = Object.fromEntries(keys.map((k) => [k, tf.tensor(w(k).data, w(k).dims)]));
    }
    return out;
  });
  const w = (layer: string, key: string) => all[layer]?.[key] as ReturnType<typeof tf.tensor>;
  const bn = <T extends ReturnType<typeof tf.tensor>>(x: T, layer: string): T =>
    tf.batchNorm(
      x,
      w(layer, "moving_mean") as never,
      w(layer, "moving_variance") as never,
      w(layer, "beta") as never,
      w(layer, "gamma") as never,
      0.001,
    ) as T;
  const conv = (x: Tensor4D, layer: string, padding: "valid" | "same") =>
    tf.relu(tf.add(tf.conv2d(x, w(layer, "kernel") as Tensor4D, 1, padding), w(layer, "bias"))) as Tensor4D;
  const padTime = (x: Tensor4D) =>
    tf.pad(x, [
      [0, 0],
      [3, 3],
      [0, 0],
      [0, 0],
    ]);

  return (patches, count) =>
    tf.tidy(() => {
      const input = bn(tf.tensor4d(patches, [count, 187, 96, 1]), "batch_normalization");
      const front = [
        ["conv2d", "batch_normalization_1", "valid"],
        ["conv2d_1", "batch_normalization_2", "valid"],
        ["conv2d_2", "batch_normalization_3", "same"],
        ["conv2d_3", "batch_normalization_4", "same"],
        ["conv2d_4", "batch_normalization_5", "same"],
      ].map(([c, b, p]) => {
        const x = p === "valid" ? padTime(input) : input;
        return tf.max(bn(conv(x, c as string, p as "valid" | "same"), b as string), 2); // [N,187,C]
      });
      const frontEnd = tf.concat(front, 2); // [N,187,561]
      const midEnd = (x: ReturnType<typeof tf.tensor>, i: number) =>
        tf
          .transpose(
            bn(
              conv(padTime(tf.expandDims(x, 3) as Tensor4D), `midend_conv${i}`, "valid"),
              `bn_midend_conv${i}`,
            ),
            [0, 1, 3, 2],
          )
          .squeeze([3]);
      const mid1 = midEnd(frontEnd, 1);
      const mid2 = tf.add(midEnd(mid1, 2), mid1);
      const mid3 = tf.add(midEnd(mid2, 3), mid2);
      const features = tf.concat([frontEnd, mid1, mid2, mid3], 2); // [N,187,753]
      const pooled = tf.stack([tf.max(features, 1), tf.mean(features, 1)], 2); // [N,753,2]
      const flat = bn(tf.reshape(pooled, [count, 1506]), "bn_flatpool");
      const dense = tf.relu(
        tf.add(tf.matMul(flat as never, w("dense", "kernel") as never), w("dense", "bias")),
      );
      const logits = tf.add(
        tf.matMul(bn(dense, "bn_dense") as never, w("dense_1", "kernel") as never),
        w("dense_1", "bias"),
      );
      return { tags: tf.sigmoid(logits).dataSync() as Float32Array, dense: dense.dataSync() as Float32Array };
    });
}

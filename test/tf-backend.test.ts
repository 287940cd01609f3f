import { describe, expect, it } from "vitest";
import { loadTf } from "../src/classifier/tf.js";

describe("TensorFlow backend loader", () => {
  it("loads a working backend (tfjs-node, else wasm from node_modules) and runs a tensor op", async () => {
    const { tf, backend } = await loadTf();
    expect(["tensorflow", "wasm", "cpu"]).toContain(backend);
    expect(tf.getBackend()).toBe(backend);
    const product = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
    expect(Array.from(await product.data())).toEqual([11]);
  });

  it("falls back to the wasm backend where tfjs-node cannot install", async () => {
    let nativeInstalled = true;
    try {
      await import("@tensorflow/tfjs-node" as string);
    } catch {
      nativeInstalled = false;
    }
    const { backend } = await loadTf();
    expect(backend).toBe(nativeInstalled ? "tensorflow" : "wasm");
  });
});

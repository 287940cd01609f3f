import type * as Ort from "onnxruntime-node";

/**
 * onnxruntime-node itself, loaded on first use: its native addon costs ~70 ms to load, which the
 * processes that never run a network (the bot's main thread, `genrebot features`) should not pay.
 */
let runtime: Promise<typeof Ort> | undefined;
const onnxruntime = () => {
  runtime ??= import("onnxruntime-node");
  return runtime;
};

/**
 * onnxruntime-node sessions for the pretrained networks. One intra-op thread: the pool already
 * runs one worker per core, and a second thread per session buys wall time with more CPU. Each
 * file is loaded once per process (per worker thread) and shared.
 */
const sessions = new Map<string, Promise<Ort.InferenceSession>>();

export function cachedSession(file: string): Promise<Ort.InferenceSession> {
  let session = sessions.get(file);
  if (!session) {
    session = onnxruntime().then((ort) =>
      ort.InferenceSession.create(file, {
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        executionMode: "sequential",
        graphOptimizationLevel: "all",
      }),
    );
    // A failed load (e.g. the models were not converted yet) must not be cached forever.
    session.catch(() => sessions.delete(file));
    sessions.set(file, session);
  }
  return session;
}

/**
 * Runs `patches` (each `frames × bands` floats, row = frame) through a session whose input is
 * `patches` [N, frames, bands], `batch` patches per call, and returns each requested output split
 * per patch. Small batches keep onnxruntime's memory arena small: it grows to the largest batch
 * it has seen and keeps that size (see `npm run bench classifier`).
 */
export async function runPatches<Name extends string>(
  session: Ort.InferenceSession,
  patches: readonly Float32Array[],
  shape: { frames: number; bands: number },
  outputs: readonly Name[],
  batch: number,
): Promise<Array<Record<Name, Float32Array>>> {
  const ort = await onnxruntime();
  const size = shape.frames * shape.bands;
  const results: Array<Record<Name, Float32Array>> = [];
  for (let start = 0; start < patches.length; start += batch) {
    const group = patches.slice(start, start + batch);
    const input = new Float32Array(group.length * size);
    group.forEach((patch, i) => {
      if (patch.length !== size) throw new Error(`a patch has ${patch.length} values, expected ${size}`);
      input.set(patch, i * size);
    });
    const feeds = { patches: new ort.Tensor("float32", input, [group.length, shape.frames, shape.bands]) };
    const out = await session.run(feeds, outputs as Name[]);
    for (let i = 0; i < group.length; i++) {
      const row = {} as Record<Name, Float32Array>;
      for (const name of outputs) {
        const tensor = out[name];
        if (!tensor) throw new Error(`the model has no output ${name}`);
        const data = tensor.data as Float32Array;
        const width = data.length / group.length;
        row[name] = data.slice(i * width, (i + 1) * width);
      }
      results.push(row);
    }
    for (const tensor of Object.values(out)) tensor.dispose();
  }
  return results;
}

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { runMusicnn, runYamnet } from "../src/classifier/pretrained/index.js";
import { loadTf } from "../src/classifier/tf.js";
import { MODELS_SOURCE_DIR } from "../src/training/convert/main.js";
import { musicnnOnTfjs } from "./musicnn-tfjs.js";
import { median, timeAsyncRuns } from "./timing.js";

const RUNS = 7;
/** A 30 s clip: 10 musicnn patches of 3 s, 61 YAMNet patches of 0.96 s (hop 0.48 s). */
const MUSICNN_PATCHES = 10;
const YAMNET_PATCHES = 61;

/** CPU and wall medians of `work` over RUNS warm runs (after one untimed run). */
async function measure(work: () => unknown): Promise<{ cpu: number; wall: number }> {
  await work();
  const { cpu, wall } = await timeAsyncRuns(RUNS, work);
  return { cpu: median(cpu), wall: median(wall) };
}

function line(step: string, { cpu, wall }: { cpu: number; wall: number }): void {
  console.log(
    `${step.padEnd(52)} CPU median ${cpu.toFixed(0).padStart(6)} ms   wall median ${wall.toFixed(0).padStart(6)} ms`,
  );
}

/** The shared reference patches, repeated to a 30 s clip's worth. */
function referencePatches(): { musicnn: Float32Array[]; yamnet: Float32Array[] } {
  const ref = JSON.parse(readFileSync(path.join(MODELS_SOURCE_DIR, "reference", "rock-1.json"), "utf8")) as {
    musicnn: { patch0: number[][] };
    yamnet: { logmel_patch0: number[][] };
  };
  const musicnn = Float32Array.from(ref.musicnn.patch0.flat());
  const yamnet = Float32Array.from(ref.yamnet.logmel_patch0.flat());
  return {
    musicnn: Array.from({ length: MUSICNN_PATCHES }, () => musicnn),
    yamnet: Array.from({ length: YAMNET_PATCHES }, () => yamnet),
  };
}

/**
 * Resident memory of a fresh process that runs musicnn over one clip's patches `batch` at a time
 * (onnxruntime's arena grows to the largest batch it has seen and keeps it).
 */
function musicnnRss(batch: number): number {
  const script = `
    import * as ort from "onnxruntime-node";
    const s = await ort.InferenceSession.create(${JSON.stringify(path.resolve(import.meta.dirname, "../models/musicnn/msd_musicnn.onnx"))}, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const x = new Float32Array(${MUSICNN_PATCHES} * 187 * 96).fill(1);
    for (let r = 0; r < 3; r++)
      for (let i = 0; i < ${MUSICNN_PATCHES}; i += ${batch})
        await s.run({ patches: new ort.Tensor("float32", x.subarray(i * 187 * 96, (i + ${batch}) * 187 * 96), [${batch}, 187, 96]) });
    console.log(process.memoryUsage().rss);`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: path.resolve(import.meta.dirname, ".."),
  });
  return Number(out.toString().trim()) / 2 ** 20;
}

/**
 * The pretrained networks per 30 s clip: musicnn on onnxruntime-node (one patch per call, as
 * served) beside the same network on TensorFlow.js (the runtime it replaced), YAMNet, and the
 * memory cost of batching.
 */
export async function runPretrainedBench(): Promise<void> {
  const patches = referencePatches();
  const { tf, backend } = await loadTf();
  const onTfjs = await musicnnOnTfjs(tf, path.join(MODELS_SOURCE_DIR, "musicnn", "MSD_musicnn.h5"));
  const batch = new Float32Array(MUSICNN_PATCHES * 187 * 96);
  for (const [i, p] of patches.musicnn.entries()) batch.set(p, i * p.length);

  console.log(
    `one 30 s clip: ${MUSICNN_PATCHES} musicnn patches, ${YAMNET_PATCHES} YAMNet patches; ${RUNS} runs each`,
  );
  const ort = await measure(() => runMusicnn(patches.musicnn));
  const tfjs = await measure(() => onTfjs(batch, MUSICNN_PATCHES));
  line("musicnn MSD, onnxruntime-node (1 thread, batch 1)", ort);
  line(`musicnn MSD, TF.js ${backend} (all patches in one batch)`, tfjs);
  console.log(`  onnxruntime-node vs TF.js ${backend}: ×${(tfjs.cpu / ort.cpu).toFixed(1)} less CPU`);
  const [fromOrt] = await runMusicnn(patches.musicnn.slice(0, 1));
  const fromTfjs = onTfjs(batch.subarray(0, 187 * 96), 1);
  const diff = (a: Float32Array, b: Float32Array) =>
    a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] as number))), 0);
  console.log(
    `  same patch, max abs difference: tags ${diff(fromTfjs.tags, fromOrt?.tags ?? new Float32Array()).toExponential(1)}, dense ${diff(fromTfjs.dense, fromOrt?.dense ?? new Float32Array()).toExponential(1)}`,
  );
  line("YAMNet, onnxruntime-node (1 thread, batch 8)", await measure(() => runYamnet(patches.yamnet)));

  for (const mode of ["direct", "pool"] as const) {
    const out = execFileSync(
      process.execPath,
      ["--import", "tsx", path.join(import.meta.dirname, "analyzer-rss.ts"), mode],
      {
        cwd: path.resolve(import.meta.dirname, ".."),
        env: { ...process.env, LOG_LEVEL: "warn" },
      },
    );
    const { base, peak, final } = JSON.parse(out.toString().trim().split("\n").at(-1) ?? "{}") as Record<
      string,
      number
    >;
    const mb = (bytes = 0) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
    console.log(
      mode === "direct"
        ? `analyzeAudio in a fresh process, 8 clips: RSS before ${mb(base)}, peak ${mb(peak)}, after ${mb(final)}`
        : `pool of 2 workers in a fresh process, 8 clips: RSS before ${mb(base)}, peak ${mb(peak)} (per worker ≈ ${mb(((peak ?? 0) - (base ?? 0)) / 2)} above the base)`,
    );
  }
  for (const size of [1, MUSICNN_PATCHES]) {
    console.log(
      `musicnn alone in a fresh process, batch ${String(size).padStart(2)}: RSS ${musicnnRss(size).toFixed(0)} MB`,
    );
  }
}

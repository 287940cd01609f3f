import path from "node:path";
import { UsageError } from "../errors.js";
import { type EmotifySource, trainOnLabelFolders, trainShippedModel } from "../training/index.js";
import { parseCliArgs } from "./cli-args.js";
import { createProgress, type Progress } from "./progress.js";

/**
 * `genrebot train --out <dir>`: the shipped recipe on ../shared/data.
 * `genrebot train <dir of label folders> --out <dir> [--epochs N]`: a model for any labels.
 * Feature extraction runs on every core with a progress bar on stderr; training is seeded.
 */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, {
    out: { type: "string" },
    epochs: { type: "string" },
    "emotify-features": { type: "string" },
  });
  if (!values.out) throw new UsageError("Say where to write the model with --out <dir>.");
  if (positionals.length > 1) throw new UsageError("Give at most one folder of label folders.");
  const outDir = path.resolve(values.out);
  const note = (message: string): void => {
    process.stderr.write(`${message}\n`);
  };
  let progress: Progress | undefined;
  const [dir] = positionals;
  if (dir === undefined) {
    const source = values["emotify-features"] ?? "audio";
    if (source !== "audio" && source !== "reference") {
      throw new UsageError(
        "--emotify-features must be audio (our extractor) or reference (librosa's table).",
      );
    }
    if (values.epochs) throw new UsageError("--epochs applies to training on your own folders only.");
    if (source === "audio") progress = createProgress("extracting Emotify features", 320);
    const result = await trainShippedModel({
      outDir,
      emotifySource: source as EmotifySource,
      onFile: (file) => progress?.tick(path.basename(file)),
      onProgress: (message) => {
        progress?.done();
        progress = undefined;
        note(message);
      },
    });
    const heldOut = Object.entries(result.heldOut).map(([g, a]) => `${g} ${(a * 100).toFixed(1)}%`);
    console.log(`Model ${result.version} written to ${outDir} (held out: ${heldOut.join(", ")}).`);
    return 0;
  }
  const epochs = values.epochs === undefined ? undefined : Number(values.epochs);
  if (epochs !== undefined && !(Number.isInteger(epochs) && epochs >= 5 && epochs <= 5000)) {
    throw new UsageError("--epochs must be a whole number from 5 to 5000.");
  }
  let files = 0;
  let hearing: Progress | undefined;
  const result = await trainOnLabelFolders({
    dir: path.resolve(dir),
    outDir,
    ...(epochs !== undefined ? { epochs } : {}),
    onStart: (count) => {
      files = count;
      progress = createProgress("extracting features", count);
    },
    onFile: (file) => progress?.tick(path.basename(file)),
    onHeard: (file) => {
      if (!hearing) {
        progress?.done();
        hearing = createProgress("listening with musicnn and YAMNet", files);
        progress = hearing;
      }
      progress?.tick(path.basename(file));
    },
    onSkip: (file, reason) => {
      progress?.done();
      progress = undefined;
      note(`skipped ${file}: ${reason}`);
    },
    onProgress: (message) => {
      progress?.done();
      progress = undefined;
      note(message);
    },
  });
  console.log(
    `Model ${result.version} (${result.labels.join(", ")}) written to ${outDir}; held-out accuracy ${(result.heldOutAccuracy * 100).toFixed(1)}% (the 57 features alone: ${(result.featuresHeldOutAccuracy * 100).toFixed(1)}%).`,
  );
  console.log(`Use it with MODEL_DIR=${outDir}.`);
  return 0;
}

import { availableParallelism } from "node:os";
import { decodeAudio, readInputFile, UnreadableFileError } from "../audio/index.js";
import { createAnalyzerPool, extractFeatures, FEATURE_NAMES } from "../classifier/index.js";
import { UsageError, UserFacingError, userMessage } from "../errors.js";
import { log } from "../log.js";
import { parseCliArgs } from "./cli-args.js";

/**
 * `genrebot features <file…> [--json]`: the 57 librosa-equivalent features of each file, as a
 * table or as one JSON object per line. A file that fails gets its own friendly error and the
 * others are still processed; the exit code is 1 if any failed.
 */
export async function run(args: string[]): Promise<number> {
  const { values, positionals: files } = parseCliArgs(args, { json: { type: "boolean" } });
  if (files.length === 0) throw new UsageError("Name at least one audio file to analyse.");
  const json = values.json ?? false;

  // One file is analysed right here; several go to one worker thread per core (the workers load
  // only the decoder and the feature code, never TensorFlow or a model).
  const workers = Math.min(files.length, availableParallelism());
  const pool = workers > 1 ? createAnalyzerPool({ size: workers, maxQueue: files.length }) : undefined;
  const extract = async (file: string): Promise<Record<string, number>> => {
    const bytes = await readInputFile(file);
    if (pool) return pool.features(bytes);
    return extractFeatures((await decodeAudio(bytes)).samples);
  };
  let failures = 0;
  try {
    // All files start at once (the pool queues them); results print in the order given.
    const pending = files.map((file) => {
      const result = extract(file);
      result.catch(() => {}); // handled in order below
      return result;
    });
    for (const [index, file] of files.entries()) {
      try {
        const features = await (pending[index] as Promise<Record<string, number>>);
        console.log(json ? JSON.stringify({ file, features }) : formatTable(file, features));
      } catch (error) {
        failures++;
        if (!(error instanceof UserFacingError)) log.error({ err: error, file }, "feature extraction failed");
        // Every line starts with its file, so an unreadable file's message would name it twice.
        console.error(
          `${file}: ${error instanceof UnreadableFileError ? sentence(error.reason) : userMessage(error)}`,
        );
      }
    }
  } finally {
    await pool?.close();
  }
  return failures > 0 ? 1 : 0;
}

/** "there is no such file" → "There is no such file." */
function sentence(reason: string): string {
  return `${reason.charAt(0).toUpperCase()}${reason.slice(1)}.`;
}

function formatTable(file: string, features: Record<string, number>): string {
  const width = Math.max(...FEATURE_NAMES.map((name) => name.length));
  return [
    file,
    ...FEATURE_NAMES.map((name) => `  ${name.padEnd(width)}  ${formatValue(features[name] ?? Number.NaN)}`),
  ].join("\n");
}

function formatValue(value: number): string {
  return value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e6)
    ? value.toExponential(6)
    : value.toPrecision(7);
}

import { decodeAudio, readInputFile, UnreadableFileError } from "../audio/index.js";
import { extractFeatures, FEATURE_NAMES } from "../classifier/index.js";
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

  let failures = 0;
  for (const file of files) {
    try {
      const { samples } = await decodeAudio(await readInputFile(file));
      const features = extractFeatures(samples);
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

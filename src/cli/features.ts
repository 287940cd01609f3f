import { readFile } from "node:fs/promises";
import { decodeAudio } from "../audio/index.js";
import { extractFeatures, FEATURE_NAMES } from "../classifier/features/index.js";
import { UsageError, UserFacingError, userMessage } from "../errors.js";
import { log } from "../log.js";

/**
 * `genrebot features <file…> [--json]`: the 57 librosa-equivalent features of each file, as a
 * table or as one JSON object per line. A file that fails gets its own friendly error and the
 * others are still processed; the exit code is 1 if any failed.
 */
export async function run(args: string[]): Promise<number> {
  const options = args.filter((arg) => arg.startsWith("--"));
  const files = args.filter((arg) => !arg.startsWith("--"));
  const unknown = options.filter((option) => option !== "--json");
  if (unknown.length > 0) throw new UsageError(`Unknown option: ${unknown.join(", ")}.`);
  if (files.length === 0) throw new UsageError("Name at least one audio file to analyse.");
  const json = options.includes("--json");

  let failures = 0;
  for (const file of files) {
    try {
      const { samples } = await decodeAudio(await readAudioFile(file));
      const features = extractFeatures(samples);
      console.log(json ? JSON.stringify({ file, features }) : formatTable(file, features));
    } catch (error) {
      failures++;
      if (!(error instanceof UserFacingError)) log.error({ err: error, file }, "feature extraction failed");
      console.error(`${file}: ${userMessage(error)}`);
    }
  }
  return failures > 0 ? 1 : 0;
}

async function readAudioFile(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === "ENOENT"
        ? "There is no such file."
        : code === "EISDIR"
          ? "That is a folder, not a file."
          : code === "EACCES" || code === "EPERM"
            ? "I am not allowed to read that file."
            : "That file could not be read.";
    throw new UserFacingError("unreadable-file", message, { cause: error });
  }
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

import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import type { FeatureRecord } from "../../classifier/index.js";
import { createAnalyzerPool } from "../../classifier/index.js";
import { UserFacingError } from "../../errors.js";

/** A file's features, or why it could not be listened to (corrupt, not audio, too long…). */
export type FileFeatures =
  | { file: string; features: FeatureRecord }
  | { file: string; error: UserFacingError };

/**
 * Decodes audio files and extracts their 57 features on every core (one worker thread per
 * core), in the order given. The same extractor the bot serves with, so a model trained from
 * these features sees at serving time exactly what it learnt from. Files the decoder rejects
 * are reported, not fatal; anything else (a bug) is thrown.
 */
export async function featuresOfAudioFiles(
  files: string[],
  onFile?: (file: string) => void,
): Promise<FileFeatures[]> {
  const size = Math.min(availableParallelism(), Math.max(files.length, 1));
  const pool = createAnalyzerPool({ size });
  try {
    const results = new Array<FileFeatures>(files.length);
    let next = 0;
    // One lane per worker: each reads its next file while the other workers are busy.
    const lane = async (): Promise<void> => {
      while (next < files.length) {
        const index = next++;
        const file = files[index] as string;
        try {
          results[index] = { file, features: await pool.features(await readFile(file)) };
        } catch (error) {
          if (!(error instanceof UserFacingError)) throw error;
          results[index] = { file, error };
        }
        onFile?.(file);
      }
    };
    await Promise.all(Array.from({ length: size }, lane));
    return results;
  } finally {
    await pool.close();
  }
}

import { readFile } from "node:fs/promises";
import type { FeatureRecord } from "../../classifier/index.js";
import { UserFacingError } from "../../errors.js";

/** One labelled clip's features as read from a librosa-style feature table. */
export interface LabelledFeatures {
  /** The clip's name in the table (`filename` column), e.g. `blues.00000.wav` or `1.mp3`. */
  name: string;
  label: string;
  /** The table's `split` column when present (GTZAN: train / valid). */
  split?: string;
  features: FeatureRecord;
}

/** Columns of the GTZAN-style tables that are not model features. */
const NON_FEATURE_COLUMNS = new Set(["filename", "length", "label", "split"]);

/**
 * Reads a GTZAN-style CSV (`filename,length,<57 features>,label[,split]`). Every other numeric
 * column is taken as a feature, so tables with the same columns in any order work.
 */
export async function readFeatureCsv(file: string): Promise<LabelledFeatures[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UserFacingError("features-unreadable", `Cannot read the feature table ${file}.`, {
      cause: error,
    });
  }
  const [headerLine, ...lines] = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  const header = headerLine?.split(",").map((h) => h.trim()) ?? [];
  const labelAt = header.indexOf("label");
  if (labelAt < 0) {
    throw new UserFacingError("features-malformed", `${file} has no "label" column; is it a feature table?`);
  }
  const nameAt = header.indexOf("filename");
  const splitAt = header.indexOf("split");
  const featureColumns = header
    .map((name, index) => ({ name, index }))
    .filter(({ name }) => !NON_FEATURE_COLUMNS.has(name));
  return lines.map((line, row) => {
    const cells = line.split(",");
    const features: FeatureRecord = {};
    for (const { name, index } of featureColumns) {
      const value = Number(cells[index]);
      if (!Number.isFinite(value)) {
        throw new UserFacingError(
          "features-malformed",
          `${file} line ${row + 2}: column ${name} is not a number (${JSON.stringify(cells[index])}).`,
        );
      }
      features[name] = value;
    }
    const split = splitAt >= 0 ? cells[splitAt]?.trim() : undefined;
    return {
      name: cells[nameAt]?.trim() ?? `row ${row + 1}`,
      label: cells[labelAt]?.trim() ?? "",
      ...(split ? { split } : {}),
      features,
    };
  });
}

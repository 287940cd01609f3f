import { readdir } from "node:fs/promises";
import path from "node:path";
import { UserFacingError } from "../../errors.js";

/** File name endings we try to decode; anything else in a label folder (cover art, notes) is skipped. */
const AUDIO_EXTENSIONS = new Set([".mp3", ".wav", ".ogg", ".opus", ".flac", ".m4a", ".aac", ".mp4"]);

export interface LabelledFile {
  file: string;
  label: string;
}

/**
 * `<dir>/<label>/<audio files>` → labelled files, sorted so every run sees the same order.
 * Needs at least two labels with audio in them: one label is nothing to tell apart.
 */
export async function listLabelFolders(dir: string): Promise<LabelledFile[]> {
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new UserFacingError("training-dir-unreadable", `Cannot read the folder ${dir}.`, { cause: error });
  }
  const labels = entries
    .filter((e) => e.isDirectory() && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort();
  const files: LabelledFile[] = [];
  for (const label of labels) {
    const names = (await readdir(path.join(dir, label))).sort();
    for (const name of names) {
      if (AUDIO_EXTENSIONS.has(path.extname(name).toLowerCase()))
        files.push({ file: path.join(dir, label, name), label });
    }
  }
  const withAudio = new Set(files.map((f) => f.label));
  if (withAudio.size < 2) {
    throw new UserFacingError(
      "training-too-few-labels",
      `${dir} needs at least two label folders with audio files inside (e.g. ${dir}/jazz/*.mp3 and ${dir}/rock/*.mp3); found ${withAudio.size}.`,
    );
  }
  return files;
}

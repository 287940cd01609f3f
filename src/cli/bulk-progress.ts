import type { IndexProgress } from "../service/index.js";
import { createProgress } from "./progress.js";

/**
 * The progress reporter of the CLI's bulk jobs (`index`, `reindex`): the project's one progress bar,
 * and one plain line per failed item, its name and the reason, above the bar.
 */
export function bulkProgress(
  label: string,
  counts: (progress: IndexProgress) => string,
): (progress: IndexProgress) => void {
  const bar = createProgress(label, 0);
  return (p) => {
    if (p.failure) {
      const line = `✗ ${p.failure.item}: ${p.failure.reason}\n`;
      process.stderr.write(process.stderr.isTTY ? `\r\x1b[2K${line}` : line);
    }
    bar.update(p.done, p.total, counts(p));
    if (p.done === p.total) bar.done();
  };
}

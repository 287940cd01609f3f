/**
 * The one progress bar on stderr for long CLI jobs (feature extraction, training, indexing). On a
 * terminal it redraws one line; when stderr is a pipe or a CI log it prints a plain line every
 * 10 % (and at the end), so logs stay readable. Hand-written rather than cli-progress: that one
 * redraws on a timer and has no per-decile plain mode for pipes, and this is the whole of it.
 */
export interface Progress {
  /** One more item done. */
  tick(detail?: string): void;
  /** Where a job that reports its own counts stands (the total may grow as pages arrive). */
  update(count: number, total: number, detail?: string): void;
  done(): void;
}

const BAR_WIDTH = 30;

export function createProgress(
  label: string,
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  let count = 0;
  let lastDecile = -1;
  const render = (detail: string): void => {
    const fraction = total > 0 ? count / total : 1;
    if (stream.isTTY) {
      const filled = Math.round(fraction * BAR_WIDTH);
      const bar = `${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)}`;
      stream.write(
        `\r${label} ${bar} ${count}/${total} ${detail}`.slice(0, (stream.columns || 100) - 1).padEnd(20),
      );
      return;
    }
    const decile = Math.floor(fraction * 10);
    if (decile !== lastDecile) {
      lastDecile = decile;
      stream.write(`${label}: ${count}/${total} (${Math.round(fraction * 100)}%)${detail && ` ${detail}`}\n`);
    }
  };
  return {
    tick(detail = "") {
      count++;
      render(detail);
    },
    update(newCount, newTotal, detail = "") {
      count = newCount;
      total = newTotal;
      render(detail);
    },
    done() {
      if (stream.isTTY) stream.write("\n");
    },
  };
}

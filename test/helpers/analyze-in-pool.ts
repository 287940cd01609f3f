import { readFileSync } from "node:fs";
import { createAnalyzerPool } from "../../src/classifier/index.js";
import { UserFacingError } from "../../src/errors.js";

/**
 * Child-process side of the pool tests and bench: analyses each file named on the command line
 * through a one-worker analyzer pool, the bot's own path, and prints one JSON line per file. The
 * parent measures this process's memory.
 */
const pool = createAnalyzerPool({ size: 1 });
/** RSS now and the process's peak so far (workers included), in MB. */
const memory = () => ({
  rssMb: Math.round(process.memoryUsage.rss() / 2 ** 20),
  peakMb: Math.round(process.resourceUsage().maxRSS / 1024),
});
for (const file of process.argv.slice(2)) {
  const started = performance.now();
  try {
    const analysis = await pool.analyze(new Uint8Array(readFileSync(file)));
    const ms = Math.round(performance.now() - started);
    const { rssMb, peakMb } = memory();
    console.log(JSON.stringify({ file, ok: true, genre: analysis.genres[0]?.genre, ms, rssMb, peakMb }));
  } catch (error) {
    const ms = Math.round(performance.now() - started);
    const friendly = error instanceof UserFacingError;
    const { rssMb, peakMb } = memory();
    console.log(
      JSON.stringify({ file, ok: false, friendly, message: (error as Error).message, ms, rssMb, peakMb }),
    );
  }
}
await pool.close();

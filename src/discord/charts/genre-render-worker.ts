import { parentPort } from "node:worker_threads";
import { svgToPng } from "../../lib/svg.js";

/** Rasterises chart SVGs off the bot's event loop (resvg takes ~50 ms a chart). */
parentPort?.on("message", ({ id, svg }: { id: number; svg: string }) => {
  try {
    const png = svgToPng(svg);
    parentPort?.postMessage({ id, png }, [png.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});

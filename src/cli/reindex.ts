import { loadDotEnv, readConfig } from "../config.js";
import { UsageError } from "../errors.js";
import type { IndexProgress } from "../service/index.js";
import { bulkProgress } from "./bulk-progress.js";
import { parseCliArgs } from "./cli-args.js";

/**
 * `genrebot reindex`: re-analyses, with the current model, every catalog record an older model made
 * (those are left out of /similar until then). Each track's preview is fetched again; a record whose
 * preview can no longer be found is kept as it is. Resumable: a record done is current, so after an
 * interruption (Ctrl-C stops after the tracks in flight) running it again continues.
 */
export async function run(args: string[]): Promise<number> {
  const { positionals } = parseCliArgs(args, {});
  if (positionals.length > 0) throw new UsageError("reindex takes no arguments.");
  loadDotEnv();
  const config = readConfig(process.env);
  const { openServices, notSavedSentence } = await import("../service/index.js");
  const services = await openServices(config, { lookups: true });
  const stop = new AbortController();
  const onInterrupt = () => {
    process.stderr.write(
      "\nStopping after the tracks in progress… (run `genrebot reindex` again to resume)\n",
    );
    stop.abort();
  };
  process.once("SIGINT", onInterrupt);
  try {
    const { service } = services;
    const progress = await service.reindex(bulkProgress("re-analysing tracks", counts), stop.signal);
    const lines = [
      `${stop.signal.aborted ? "Interrupted" : "Done"}: ${progress.done} of ${progress.total} older-model tracks looked at.`,
      `  ${progress.indexed} re-analysed with model ${service.modelVersion}, ${progress.skipped} already current, ` +
        `${progress.withoutPreview} kept as they were (no preview found any more), ${progress.failed} failed.`,
    ];
    if (progress.notSaved > 0) lines.push(`  ${notSavedSentence(progress.notSaved)}`);
    const stale = service.catalog.staleCount();
    lines.push(
      `The catalog now holds ${service.catalogSize()} current tracks; ${stale} still need${stale === 1 ? "s" : ""} re-analysis.`,
    );
    if (progress.failed > 0) lines.push("The failures are listed above (✗) with the reason.");
    console.log(lines.join("\n"));
    return progress.failed > 0 || progress.notSaved > 0 || stop.signal.aborted ? 1 : 0;
  } finally {
    process.off("SIGINT", onInterrupt);
    await services.close();
  }
}

function counts(p: IndexProgress): string {
  const notSaved = p.notSaved > 0 ? ` · ${p.notSaved} not saved` : "";
  return `${p.indexed} re-analysed · ${p.skipped} already current · ${p.withoutPreview} kept (no preview) · ${p.failed} failed${notSaved}`;
}

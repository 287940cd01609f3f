import { readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { loadDotEnv, readConfig } from "../config.js";
import { UsageError, UserFacingError } from "../errors.js";
import type { IndexProgress } from "../service/index.js";
import { parseSpotifyLink } from "../spotify/index.js";
import { bulkProgress } from "./bulk-progress.js";
import { parseCliArgs } from "./cli-args.js";

/**
 * `genrebot index <spotify playlist or album URL | folder of audio files>`: adds every track to the
 * catalog. Resumable: tracks the current model already indexed are skipped, so after an interruption
 * (Ctrl-C stops cleanly after the tracks in flight) running it again finishes the rest.
 */
const AUDIO_EXTENSIONS = new Set([".mp3", ".wav", ".ogg", ".oga", ".opus", ".flac", ".m4a"]);

type Source = { kind: "spotify"; link: string } | { kind: "files"; paths: string[] };

export async function run(args: string[]): Promise<number> {
  const { positionals } = parseCliArgs(args, {});
  if (positionals.length !== 1 || !positionals[0]) {
    throw new UsageError("Name one Spotify playlist or album link, or one folder of audio files.");
  }
  const source = await resolveSource(positionals[0]);

  loadDotEnv();
  const needsSpotify = source.kind === "spotify";
  const config = readConfig(process.env, needsSpotify ? ["spotify"] : []);
  const { openServices, notSavedSentence } = await import("../service/index.js");
  const services = await openServices(config, { lookups: needsSpotify });
  const stop = new AbortController();
  const onInterrupt = () => {
    process.stderr.write("\nStopping after the tracks in progress… (run the same command again to resume)\n");
    stop.abort();
  };
  process.once("SIGINT", onInterrupt);
  try {
    const report = bulkProgress("indexing tracks", counts);
    const progress =
      source.kind === "spotify"
        ? await services.service.indexCollection(source.link, report, stop.signal)
        : await services.service.indexFiles(source.paths, report, stop.signal);
    const notSaved = progress.notSaved > 0 ? notSavedSentence(progress.notSaved) : undefined;
    console.log(summary(progress, services.service.catalogSize(), stop.signal.aborted, notSaved));
    return progress.failed > 0 || progress.notSaved > 0 || stop.signal.aborted ? 1 : 0;
  } finally {
    process.off("SIGINT", onInterrupt);
    await services.close();
  }
}

async function resolveSource(target: string): Promise<Source> {
  const link = parseSpotifyLink(target);
  if (link) {
    if (link.kind === "track") {
      throw new UsageError(
        "That is a single track. Index a playlist or album, or use `genrebot similar <link>`.",
      );
    }
    return { kind: "spotify", link: target };
  }
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(target);
  } catch {
    throw new UsageError(`${target} is neither a Spotify playlist/album link nor an existing folder.`);
  }
  const paths = info.isDirectory() ? await audioFilesUnder(target) : [target];
  if (paths.length === 0) {
    throw new UserFacingError(
      "no-audio-files",
      `There are no audio files (${[...AUDIO_EXTENSIONS].join(" ")}) in ${target}.`,
    );
  }
  return { kind: "files", paths };
}

/**
 * Every audio file below `folder`, in a stable order so a resumed run walks the same list. Symbolic
 * links are followed (a folder of links to a music library is common); each real folder is walked
 * once, so a link back up the tree cannot loop, and a dangling link is skipped.
 */
async function audioFilesUnder(folder: string): Promise<string[]> {
  const files: string[] = [];
  const walked = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    const real = await realpath(dir);
    if (walked.has(real)) return;
    walked.add(real);
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const info = entry.isSymbolicLink() ? await stat(full).catch(() => undefined) : entry;
      if (info?.isDirectory()) await walk(full);
      else if (info?.isFile() && AUDIO_EXTENSIONS.has(path.extname(entry.name).toLowerCase()))
        files.push(full);
    }
  };
  await walk(folder);
  return files.sort();
}

function counts(p: IndexProgress): string {
  const notSaved = p.notSaved > 0 ? ` · ${p.notSaved} not saved` : "";
  return `${p.indexed} indexed · ${p.skipped} already there · ${p.withoutPreview} without preview · ${p.failed} failed${notSaved}`;
}

function summary(
  p: IndexProgress,
  catalogSize: number,
  interrupted: boolean,
  notSaved: string | undefined,
): string {
  const lines = [
    `${interrupted ? "Interrupted" : "Done"}: ${p.done} of ${p.total} tracks looked at.`,
    `  ${p.indexed} newly indexed, ${p.skipped} already indexed with this model, ` +
      `${p.withoutPreview} without a preview, ${p.failed} failed.`,
  ];
  if (notSaved) lines.push(`  ${notSaved}`);
  lines.push(`The catalog now holds ${catalogSize} track${catalogSize === 1 ? "" : "s"}.`);
  if (interrupted) lines.push("Run the same command again to index the rest.");
  if (p.failed > 0)
    lines.push(
      `The ${p.failed === 1 ? "failure is" : `${p.failed} failures are`} listed above (✗) with the reason.`,
    );
  return lines.join("\n");
}

import { readInputFile, UnreadableFileError } from "../audio/index.js";
import type { Neighbour, TrackRecord } from "../catalog/index.js";
import { StoreUnavailableError } from "../catalog/index.js";
import { loadDotEnv, readConfig } from "../config.js";
import { UsageError } from "../errors.js";
import type { AnalyzedTrack } from "../service/index.js";
import { parseSpotifyLink } from "../spotify/index.js";
import { parseCliArgs } from "./cli-args.js";

/**
 * `genrebot similar <file | spotify link> [--k 10] [--same-genre] [--server <guild id>]`: analyses the
 * track (remembering it in the catalog, like /similar does) and prints the catalog tracks that sound
 * most alike. The CLI's own scope is the whole catalog (what it indexes belongs to no server);
 * `--server` narrows it to what one Discord server has heard, as /similar does there.
 */
const DEFAULT_K = 10;
const MAX_K = 100;

interface Options {
  target: string;
  k: number;
  sameGenre: boolean;
  server: string | undefined;
}

function parseOptions(args: string[]): Options {
  const { values, positionals } = parseCliArgs(args, {
    k: { type: "string" },
    "same-genre": { type: "boolean" },
    server: { type: "string" },
  });
  if (values.server !== undefined && !/^\d{17,20}$/.test(values.server)) {
    throw new UsageError(`--server needs a Discord server id (17–20 digits, got ${values.server}).`);
  }
  const k = values.k === undefined ? DEFAULT_K : Number(values.k);
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) {
    throw new UsageError(`--k needs a whole number from 1 to ${MAX_K} (got ${values.k}).`);
  }
  if (positionals.length !== 1 || !positionals[0]) {
    throw new UsageError("Name one audio file or one Spotify track link.");
  }
  return { target: positionals[0], k, sameGenre: values["same-genre"] ?? false, server: values.server };
}

export async function run(args: string[]): Promise<number> {
  const { target, k, sameGenre, server } = parseOptions(args);
  const link = parseSpotifyLink(target);
  if (link && link.kind !== "track") {
    throw new UsageError("That is an album or playlist. Use `genrebot index <link>` to add all of it.");
  }
  // Read the file before starting anything heavy, so a typo fails at once.
  const bytes = link ? undefined : await readAudioFile(target);

  loadDotEnv();
  const config = readConfig(process.env, link ? ["spotify"] : []);
  const { openServices } = await import("../service/index.js");
  const services = await openServices(config, { lookups: link !== undefined });
  const { service } = services;
  try {
    const analyzed: AnalyzedTrack = bytes
      ? await service.analyzeFile(bytes, target)
      : await service.analyzeTrack(await service.find({ link: target }));
    if (!analyzed.saved) console.error(`Note: ${new StoreUnavailableError().message}`);
    const neighbours = service.similar(analyzed.record, { k, sameGenre, server });
    console.log(format(analyzed.record, neighbours, service.catalogSize(server), sameGenre));
    return 0;
  } finally {
    await services.close();
  }
}

/** A file, or, when there is no such file, a usage error: the argument may have been a mistyped link. */
async function readAudioFile(file: string): Promise<Uint8Array> {
  try {
    return await readInputFile(file);
  } catch (error) {
    if (error instanceof UnreadableFileError && error.missing) {
      throw new UsageError(`${file} is neither an existing audio file nor a Spotify track link.`);
    }
    throw error;
  }
}

function describe(record: TrackRecord): string {
  return record.artists.length > 0 ? `${record.title} — ${record.artists.join(", ")}` : record.title;
}

function format(
  query: TrackRecord,
  neighbours: Neighbour[],
  catalogSize: number,
  sameGenre: boolean,
): string {
  const top = query.genres[0];
  const header = `${describe(query)}  (${query.topGenre}${top ? ` ${Math.round(top.probability * 100)}%` : ""})`;
  if (neighbours.length === 0) {
    return `${header}\nNo similar tracks${sameGenre ? ` in ${query.topGenre}` : ""} in the catalog yet (${catalogSize} indexed). Add some with \`genrebot index\`.`;
  }
  const genreWidth = Math.max(...neighbours.map((n) => n.record.topGenre.length));
  const rows = neighbours.map(({ record, score }, i) =>
    [
      String(i + 1).padStart(3),
      score.toFixed(3),
      record.topGenre.padEnd(genreWidth),
      describe(record),
      record.spotifyUrl ?? "(local file)",
    ].join("  "),
  );
  return [header, `Most similar of ${catalogSize} indexed tracks:`, ...rows].join("\n");
}

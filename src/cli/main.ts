import { UsageError, UserFacingError } from "../errors.js";
import { log } from "../log.js";

/**
 * `genrebot <command>`: each subcommand lives in src/cli/<name>.ts (`index` in index-command.ts) and exports
 * `run(args): Promise<number>` (the exit code). They are imported only when called, so
 * `genrebot --help` starts instantly and `classify` never loads Discord.
 */
interface Subcommand {
  usage: string;
  summary: string;
}

const SUBCOMMANDS: Record<string, Subcommand> = {
  classify: {
    usage: 'classify <file> [--json] | classify --spotify "artist - song"',
    summary: "name the genre of an audio file (or a Spotify track's preview)",
  },
  features: { usage: "features <file...> [--json]", summary: "print the 57 librosa-equivalent features" },
  train: {
    usage: "train [<dir of label folders>] --out <dir>",
    summary: "train the genre model (no dir: the shipped recipe on ../shared/data)",
  },
  evaluate: {
    usage: "evaluate (<dir of genre folders> | --features <csv>) [--json]",
    summary: "accuracy, per-genre precision/recall/F1 and a confusion matrix",
  },
  index: {
    usage: "index <spotify playlist or album URL | folder of audio files>",
    summary: "add many tracks to the catalog (resumable)",
  },
  reindex: {
    usage: "reindex",
    summary: "re-analyse the tracks an older model indexed (resumable)",
  },
  similar: {
    usage: "similar <file | spotify link> [--k 10] [--same-genre] [--server <discord server id>]",
    summary: "tracks in the catalog that sound alike",
  },
  bench: { usage: "bench [area...]", summary: "speed and memory figures (same as npm run bench)" },
};

export function usage(): string {
  const width = Math.max(...Object.values(SUBCOMMANDS).map((s) => s.usage.length));
  return [
    "Usage: genrebot <command> [options]",
    "",
    "Commands:",
    ...Object.values(SUBCOMMANDS).map((s) => `  ${s.usage.padEnd(width)}  ${s.summary}`),
    "",
    "Run the Discord bot itself with `npm start`.",
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  if (!Object.hasOwn(SUBCOMMANDS, name)) {
    console.error(`Unknown command: ${name}\n\n${usage()}`);
    return 2;
  }
  try {
    // Downloads (previews, with --spotify or index) reach public addresses only.
    (await import("../http/index.js")).installPublicOnlyDispatcher();
    const module = name === "index" ? "index-command" : name;
    const command = (await import(`./${module}.js`)) as { run(args: string[]): Promise<number> };
    return await command.run(args);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\nUsage: genrebot ${SUBCOMMANDS[name]?.usage}`);
      return 2;
    }
    if (error instanceof UserFacingError) {
      console.error(`genrebot ${name}: ${error.message}`);
      return 1;
    }
    log.error({ err: error }, `genrebot ${name} failed`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));

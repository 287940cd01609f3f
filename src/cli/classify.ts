import { readInputFile } from "../audio/index.js";
import type { Analysis, GenreScore } from "../classifier/index.js";
import { analyzeAudio, notableTags } from "../classifier/index.js";
import { loadDotEnv, readConfig } from "../config.js";
import { UsageError } from "../errors.js";
import type { TrackQuery } from "../service/index.js";
import { openServices } from "../service/index.js";
import { parseSpotifyLink } from "../spotify/index.js";
import { parseCliArgs } from "./cli-args.js";

const BAR_WIDTH = 24;
const TOP_GENRES = 5;
/** Eighth blocks give the bars sub-character resolution. */
const PARTIAL_BLOCKS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

function bar(fraction: number): string {
  const eighths = Math.round(Math.min(Math.max(fraction, 0), 1) * BAR_WIDTH * 8);
  return `${"█".repeat(Math.floor(eighths / 8))}${PARTIAL_BLOCKS[eighths % 8]}`;
}

function percent(probability: number): string {
  return `${Math.round(probability * 100)}%`;
}

function clock(seconds: number): string {
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

function genreLine(score: GenreScore, width: number): string {
  return `  ${score.genre.padEnd(width)}  ${bar(score.probability).padEnd(BAR_WIDTH)} ${percent(score.probability).padStart(4)}`;
}

/** The terminal report of an analysis: top genres as bars, the timeline, the model version. */
export function formatAnalysis(analysis: Analysis, title: string): string {
  const top = analysis.genres.slice(0, TOP_GENRES);
  const width = Math.max(...analysis.genres.map((g) => g.genre.length));
  const timeline = analysis.timeline.map((window) => {
    const best = window.genres[0];
    const span = `${clock(window.startSeconds)}–${clock(window.endSeconds)}`;
    return `  ${span.padEnd(11)} ${best ? `${best.genre.padEnd(width)} ${percent(best.probability).padStart(4)}` : "?"}`;
  });
  const experts = analysis.experts
    ? [
        "",
        `From the 57 features: ${analysis.experts.features[0]?.genre ?? "?"} · from the pretrained networks: ${analysis.experts.heard[0]?.genre ?? "?"}`,
      ]
    : [];
  const tags = notableTags(analysis.tags);
  return [
    `${title} (${analysis.durationSeconds.toFixed(1)} s)`,
    ...top.map((score) => genreLine(score, width)),
    ...(tags.length > 0
      ? ["", `Sounds like: ${tags.map((t) => `${t.tag} ${percent(t.probability)}`).join(" · ")}`]
      : []),
    ...experts,
    "",
    analysis.experts ? "Timeline (musicnn's 3 s patches):" : "Timeline (10 s windows, 5 s apart):",
    ...timeline,
    "",
    `model ${analysis.modelVersion}`,
  ].join("\n");
}

/** Prints an analysis from any input source (a file now; a Spotify preview slots in the same way). */
export function printAnalysis(analysis: Analysis, title: string, json: boolean): void {
  if (json) {
    console.log(JSON.stringify({ ...analysis, embedding: Array.from(analysis.embedding) }, null, 2));
  } else {
    console.log(formatAnalysis(analysis, title));
  }
}

/** "Artist - Song" as typed at the terminal, or a Spotify link. */
export function parseSpotifyQuery(text: string): TrackQuery {
  if (parseSpotifyLink(text)) return { link: text };
  const dash = text.indexOf(" - ");
  if (dash < 0) return { song: text };
  return { artist: text.slice(0, dash), song: text.slice(dash + 3) };
}

/**
 * `classify --spotify "artist - song"`: the bot's own path (Spotify lookup, preview from the first
 * source that has it, analysis, catalog), so the terminal shows exactly what /genre would.
 */
async function classifySpotify(query: string, modelDir: string, json: boolean): Promise<number> {
  const config = { ...readConfig(process.env, ["spotify"]), modelDir };
  const services = await openServices(config, { lookups: true, poolSize: 1 });
  try {
    const track = await services.service.find(parseSpotifyQuery(query));
    const { analysis, record, saved } = await services.service.analyzeTrack(track);
    const title = `${track.title} — ${track.artists.join(", ")} (preview: ${record.previewSource})`;
    printAnalysis(analysis, title, json);
    if (!saved && !json) console.error("(the catalog store is unavailable: this result was not saved)");
    return 0;
  } finally {
    await services.close();
  }
}

/** `genrebot classify <file> [--json] [--model <dir>]` or `classify --spotify "artist - song"`. */
export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(args, {
    json: { type: "boolean" },
    model: { type: "string" },
    spotify: { type: "string" },
  });
  loadDotEnv();
  const modelDir = values.model ?? readConfig(process.env).modelDir;
  if (values.spotify !== undefined) {
    if (positionals.length > 0) throw new UsageError("Give either a file or --spotify, not both.");
    return classifySpotify(values.spotify, modelDir, values.json ?? false);
  }
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError("Name an audio file to classify.");
  if (extra.length > 0) throw new UsageError("Classify one file at a time.");
  const analysis = await analyzeAudio(await readInputFile(file), { modelDir });
  printAnalysis(analysis, file, values.json ?? false);
  return 0;
}

import {
  AttachmentBuilder,
  type ChatInputCommandInteraction,
  EmbedBuilder,
  InteractionContextType,
  SlashCommandBuilder,
} from "discord.js";
import type { ServerStats, TrackRecord } from "../catalog/index.js";
import type { CommandContext } from "../discord/index.js";
import { answerSlowly, cut, genreColorNumber, genreLabel, inert } from "../discord/index.js";
import { trackPage } from "./genre-reply.js";

/** `/stats`: what this server listens to, from the tracks its members have heard. */
export const data = new SlashCommandBuilder()
  .setName("stats")
  .setDescription("What this server listens to: its genre mix, month by month, and its most alike tracks")
  .setContexts(InteractionContextType.Guild);

export const STATS_CHART_FILE = "stats.png";
/** A month-by-month picture needs at least this many months with tracks. */
const MIN_MONTHS = 2;
const TOP_GENRES = 3;

export async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const server = interaction.guildId ?? "";
  await answerSlowly(interaction, ctx, { ephemeral: false, queued: false }, async () => {
    const stats = ctx.service.catalog.stats(server);
    if (stats.tracks === 0) {
      return {
        content:
          "This server's catalog is empty so far: try /genre on a song, or right-click a message that shares one.",
      };
    }
    const png = await ctx.charts.render(chartInput(stats));
    const embed = new EmbedBuilder()
      .setTitle("What this server listens to")
      .setDescription(cut(describe(stats), "embedDescription"))
      .setColor(genreColorNumber(stats.genres[0]?.genre ?? ""))
      .setImage(`attachment://${STATS_CHART_FILE}`)
      .setFooter({ text: `model ${ctx.service.modelVersion}` });
    const chart = new AttachmentBuilder(Buffer.from(png), {
      name: STATS_CHART_FILE,
      description: "This server's genre mix",
    });
    return { content: "", embeds: [embed], files: [chart] };
  });
}

function describe(stats: ServerStats): string {
  const share = (count: number) => Math.round((count / stats.tracks) * 100);
  // The records carry genres, not tags, so the most frequent labels are its top genres.
  const top = stats.genres
    .slice(0, TOP_GENRES)
    .map((g) => `${genreLabel(g.genre)} ${share(g.count)}%`)
    .join(" · ");
  const lines = [
    `**${stats.tracks}** track${stats.tracks === 1 ? "" : "s"} heard here.`,
    `Most frequent: ${top}`,
  ];
  if (stats.closest) {
    const { a, b, score } = stats.closest;
    lines.push(
      `Most alike: ${name(a)} and ${name(b)} · **${Math.round(Math.max(0, score) * 100)}%** similar`,
    );
  }
  return lines.join("\n");
}

function name(record: TrackRecord): string {
  const text = cut(inert(record.title), 80);
  const page = trackPage(record);
  return page ? `[${text}](${page.url})` : text;
}

/** The genre mix as the /genre chart's bars; months as its timeline when there are enough of them. */
function chartInput(stats: ServerStats) {
  const genres = stats.genres.map((g) => ({ genre: g.genre, probability: g.count / stats.tracks }));
  const months = stats.months.filter((m) => m.month !== "");
  const timeline =
    months.length >= MIN_MONTHS
      ? months.map((m, i) => ({
          startSeconds: i,
          endSeconds: i + 1,
          genres: m.genres.map((g) => ({ genre: g.genre, probability: g.count })),
        }))
      : [];
  return {
    genres,
    timeline,
    durationSeconds: timeline.length,
    labels: {
      bars: "Genre mix",
      timeline: "Month by month",
      start: months[0]?.month ?? "",
      end: months.at(-1)?.month ?? "",
    },
  };
}

import {
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  EmbedBuilder,
  MessageFlags,
  SlashCommandBuilder,
} from "discord.js";
import type { TrackRecord } from "../catalog/index.js";
import type { CommandContext, Replyable } from "../discord/index.js";
import { answerSlowly, cut, genreColorNumber, genreLabel, inert, type ReplyBody } from "../discord/index.js";
import { UserFacingError } from "../errors.js";
import type { Track } from "../spotify/index.js";
import { trackPage } from "./genre-reply.js";
import { checkSource, hear, type TrackSource } from "./message-track.js";
import { readTrackQuery, suggestSongs, withTrackOptions } from "./track-options.js";

/** Below this many other tracks a neighbour list says more about the catalog than the song. */
const MIN_OTHER_TRACKS = 2;

/** `/similar`: tracks in the catalog that sound like this one (analysing and indexing it first if new). */
export const data = withTrackOptions(
  new SlashCommandBuilder()
    .setName("similar")
    .setDescription("Tracks in this server's catalog that sound alike"),
)
  .addBooleanOption((o) => o.setName("same_genre").setDescription("Only tracks of the same top genre"))
  .addStringOption((o) =>
    o
      .setName("scope")
      .setDescription("Which tracks to compare with (default: this server's)")
      .addChoices(
        { name: "this server's tracks", value: "server" },
        { name: "everywhere: every track this bot has heard", value: "everywhere" },
      ),
  );

export async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const sameGenre = interaction.options.getBoolean("same_genre") ?? false;
  const everywhere = interaction.options.getString("scope") === "everywhere";
  await answerSimilar(
    interaction,
    ctx,
    { query: readTrackQuery(interaction) },
    { sameGenre, ephemeral: false, everywhere },
  );
}

/** The /similar answer for any way of naming a track (slash command, context menu). */
export async function answerSimilar(
  interaction: Replyable,
  ctx: CommandContext,
  source: TrackSource,
  options: { sameGenre: boolean; ephemeral: boolean; everywhere?: boolean },
): Promise<void> {
  checkSource(source, ctx);
  const { sameGenre, ephemeral } = options;
  const server = interaction.guildId ?? undefined;
  await answerSlowly(interaction, ctx, { ephemeral, cooldown: "similar", queued: true }, async () => {
    // A named track already in the catalog is not heard again; a file is hashed and looked up by hear().
    const record =
      "query" in source
        ? await recordOf(await ctx.service.find(source.query), ctx, server)
        : (await hear(source, ctx, server)).record;
    return similarTo(record, { sameGenre, scope: options.everywhere ? undefined : server }, ctx);
  });
}

export const autocomplete = suggestSongs;

/** The "Similar tracks" button under a /genre answer: its argument is the catalog id of the track. */
export async function button(
  interaction: ButtonInteraction,
  trackId: string,
  ctx: CommandContext,
): Promise<void> {
  const ephemeral = interaction.message.flags.has(MessageFlags.Ephemeral);
  const server = interaction.guildId ?? undefined;
  const options = { sameGenre: false, scope: server };
  await answerSlowly(interaction, ctx, { ephemeral, cooldown: "similar", queued: true }, async () => {
    const indexed = await ctx.service.lookup(trackId);
    if (indexed) return similarTo(indexed, options, ctx);
    if (trackId.startsWith("file:")) {
      throw new UserFacingError(
        "not-indexed",
        "That upload isn't in the catalog any more — send it with /similar again.",
      );
    }
    return similarTo(await recordOf(await ctx.service.findById(trackId), ctx, server), options, ctx);
  });
}

/**
 * The catalog's record of the track, analysing and indexing it first only when it is new to the
 * catalog; either way the server (when there is one) has now heard it.
 */
export async function recordOf(
  track: Track,
  ctx: CommandContext,
  server: string | undefined,
): Promise<TrackRecord> {
  const indexed = await ctx.service.lookup(track.id);
  if (!indexed) return (await ctx.service.analyzeTrack(track, server)).record;
  await ctx.service.hearIn(indexed, server);
  return indexed;
}

/** `scope`: the server whose tracks to compare with; the whole catalog when undefined. */
async function similarTo(
  record: TrackRecord,
  { sameGenre, scope }: { sameGenre: boolean; scope: string | undefined },
  ctx: CommandContext,
): Promise<ReplyBody> {
  // The query track counts towards the catalog size only when it is stored there (in this scope).
  const stored = await ctx.service.lookup(record.id);
  const inScope = stored !== undefined && (scope === undefined || stored.heardIn?.[scope] !== undefined);
  const size = ctx.service.catalogSize(scope);
  const others = size - (inScope ? 1 : 0);
  const catalogName = scope === undefined ? "The catalog" : "This server's catalog";
  if (others < MIN_OTHER_TRACKS) {
    return {
      content:
        `${catalogName} only has ${others} other track${others === 1 ? "" : "s"} so far, so I can't compare yet. ` +
        "Someone with Manage Server can add a playlist or album with `/index`" +
        (scope === undefined ? "." : ", or try `scope: everywhere`."),
    };
  }
  // The catalog never returns the query track itself or another release of it.
  const neighbours = ctx.service.similar(record, { k: ctx.limits.similarCount, sameGenre, server: scope });
  if (neighbours.length === 0) {
    return {
      content: `No other ${genreLabel(record.topGenre)} tracks in the catalog yet. Try without \`same_genre\`, or \`/index\` more music.`,
    };
  }
  const lines = neighbours.map((n, i) => {
    const percent = Math.round(Math.max(0, n.score) * 100);
    return `${i + 1}. ${trackLink(n.record)} · ${genreLabel(n.record.topGenre)} · **${percent}%** similar`;
  });
  const embed = new EmbedBuilder()
    .setTitle(cut(`Sounds like ${inert(record.title)}`, "embedTitle"))
    .setDescription(cut(lines.join("\n"), "embedDescription"))
    .setColor(genreColorNumber(record.topGenre))
    .setFooter({
      text: cut(
        `${sameGenre ? `${genreLabel(record.topGenre)} only · ` : ""}${size} tracks in ${scope === undefined ? "the whole catalog" : "this server's catalog"} · model ${ctx.service.modelVersion}`,
        "footer",
      ),
    });
  if (record.artworkUrl) embed.setThumbnail(record.artworkUrl);
  return { content: "", embeds: [embed] };
}

function trackLink(record: TrackRecord): string {
  // Each part is cut after escaping, so an escaped `]` can't lose its backslash and close the link.
  const name = `${cut(inert(record.title), 80)}${record.artists.length > 0 ? ` — ${cut(inert(record.artists.join(", ")), 60)}` : ""}`;
  const page = trackPage(record);
  return page ? `[${name}](${page.url})` : name;
}

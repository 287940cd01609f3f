import {
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  EmbedBuilder,
  MessageFlags,
  SlashCommandBuilder,
} from "discord.js";
import type { TrackRecord } from "../catalog/index.js";
import type { CommandContext } from "../discord/index.js";
import { answerSlowly, cut, genreColorNumber, genreLabel, inert, type ReplyBody } from "../discord/index.js";
import { UserFacingError } from "../errors.js";
import type { TrackQuery } from "../service/index.js";
import { checkQuery, readTrackQuery, suggestSongs, withTrackOptions } from "./track-options.js";

/** Below this many other tracks a neighbour list says more about the catalog than the song. */
const MIN_OTHER_TRACKS = 2;

/** `/similar`: tracks in the catalog that sound like this one (analysing and indexing it first if new). */
export const data = withTrackOptions(
  new SlashCommandBuilder()
    .setName("similar")
    .setDescription("Tracks in this server's catalog that sound alike"),
).addBooleanOption((o) => o.setName("same_genre").setDescription("Only tracks of the same top genre"));

export async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const query = readTrackQuery(interaction);
  checkQuery(query);
  const sameGenre = interaction.options.getBoolean("same_genre") ?? false;
  await answerSlowly(interaction, ctx, { ephemeral: false, cooldown: "similar", queued: true }, async () =>
    similarTo(await indexedRecord(query, ctx), sameGenre, ctx),
  );
}

export const autocomplete = suggestSongs;

/** The "Similar tracks" button under a /genre answer: its argument is the catalog id of the track. */
export async function button(
  interaction: ButtonInteraction,
  trackId: string,
  ctx: CommandContext,
): Promise<void> {
  const ephemeral = interaction.message.flags.has(MessageFlags.Ephemeral);
  await answerSlowly(interaction, ctx, { ephemeral, cooldown: "similar", queued: true }, async () => {
    const indexed = await ctx.service.lookup(trackId);
    if (indexed) return similarTo(indexed, /* sameGenre: */ false, ctx);
    if (trackId.startsWith("file:")) {
      throw new UserFacingError(
        "not-indexed",
        "That upload isn't in the catalog any more — send it with /similar again.",
      );
    }
    return similarTo(
      await indexedRecord({ link: `spotify:track:${trackId}` }, ctx),
      /* sameGenre: */ false,
      ctx,
    );
  });
}

/** The catalog's record of the track, analysing and indexing it first only when it is new to the catalog. */
async function indexedRecord(query: TrackQuery, ctx: CommandContext): Promise<TrackRecord> {
  const track = await ctx.service.find(query);
  return (await ctx.service.lookup(track.id)) ?? (await ctx.service.analyzeTrack(track)).record;
}

async function similarTo(record: TrackRecord, sameGenre: boolean, ctx: CommandContext): Promise<ReplyBody> {
  // The query track counts towards the catalog size only when it is stored there.
  const stored = (await ctx.service.lookup(record.id)) !== undefined;
  const others = ctx.service.catalogSize() - (stored ? 1 : 0);
  if (others < MIN_OTHER_TRACKS) {
    return {
      content:
        `The catalog only has ${others} other track${others === 1 ? "" : "s"} so far, so I can't compare yet. ` +
        "Someone with Manage Server can add a playlist or album with `/index`.",
    };
  }
  // The catalog never returns the query track itself or another release of it.
  const neighbours = ctx.service.similar(record, { k: ctx.limits.similarCount, sameGenre });
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
        `${sameGenre ? `${genreLabel(record.topGenre)} only · ` : ""}${ctx.service.catalogSize()} tracks in the catalog · model ${ctx.service.modelVersion}`,
        "footer",
      ),
    });
  if (record.artworkUrl) embed.setThumbnail(record.artworkUrl);
  return { content: "", embeds: [embed] };
}

function trackLink(record: TrackRecord): string {
  // Each part is cut after escaping, so an escaped `]` can't lose its backslash and close the link.
  const name = `${cut(inert(record.title), 80)}${record.artists.length > 0 ? ` — ${cut(inert(record.artists.join(", ")), 60)}` : ""}`;
  return record.spotifyUrl ? `[${name}](${record.spotifyUrl})` : name;
}

import { type ChatInputCommandInteraction, SlashCommandBuilder } from "discord.js";
import type { CommandContext, Replyable } from "../discord/index.js";
import { answerSlowly } from "../discord/index.js";
import { genreReply } from "./genre-reply.js";
import { checkSource, hear, type TrackSource } from "./message-track.js";
import { readTrackQuery, suggestSongs, withTrackOptions } from "./track-options.js";

/** `/genre`: which genre a song is, from its 30-second preview or a member's own recording. */
export const data = withTrackOptions(
  new SlashCommandBuilder()
    .setName("genre")
    .setDescription("Which genre is this song? I listen to its preview."),
)
  .addAttachmentOption((o) => o.setName("file").setDescription("Or upload a recording (MP3, WAV, OGG, FLAC)"))
  .addBooleanOption((o) => o.setName("private").setDescription("Only you see the answer"));

export async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const file = interaction.options.getAttachment("file");
  const source: TrackSource = file ? { file } : { query: readTrackQuery(interaction) };
  const ephemeral = interaction.options.getBoolean("private") ?? false;
  await answerGenre(interaction, ctx, source, ephemeral);
}

/**
 * The /genre answer for any way of naming a track (slash command, context menu). A bad query or an
 * unfit upload is refused before a cooldown or a queue slot is spent; the router shows what is thrown.
 */
export async function answerGenre(
  interaction: Replyable,
  ctx: CommandContext,
  source: TrackSource,
  ephemeral: boolean,
): Promise<void> {
  checkSource(source, ctx);
  await answerSlowly(interaction, ctx, { ephemeral, cooldown: "genre", queued: true }, async () => {
    const result = await hear(source, ctx, interaction.guildId ?? undefined);
    return genreReply(result, await ctx.charts.render(result.analysis));
  });
}

export const autocomplete = suggestSongs;

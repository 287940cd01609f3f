import { type ChatInputCommandInteraction, SlashCommandBuilder } from "discord.js";
import type { CommandContext } from "../discord/index.js";
import { answerSlowly, checkUpload, downloadAttachment } from "../discord/index.js";
import { genreReply } from "./genre-reply.js";
import { checkQuery, readTrackQuery, suggestSongs, withTrackOptions } from "./track-options.js";

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
  const query = readTrackQuery(interaction);
  // Refuse a bad query, or an oversized or non-audio upload, before spending a cooldown or a
  // queue slot on it; the router shows what is thrown.
  if (file) checkUpload(file, ctx.attachments.maxBytes);
  else checkQuery(query);
  const ephemeral = interaction.options.getBoolean("private") ?? false;
  await answerSlowly(interaction, ctx, { ephemeral, cooldown: "genre", queued: true }, async () => {
    const result = file
      ? await ctx.service.analyzeFile(await downloadAttachment(file, ctx.attachments), file.name)
      : await ctx.service.analyzeTrack(await ctx.service.find(query));
    return genreReply(result, await ctx.charts.render(result.analysis));
  });
}

export const autocomplete = suggestSongs;

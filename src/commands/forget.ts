import {
  type ChatInputCommandInteraction,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
} from "discord.js";
import type { CommandContext } from "../discord/index.js";
import { checkUpload, downloadAttachment, replyPrivately } from "../discord/index.js";
import { UserFacingError } from "../errors.js";
import { deezerIdOf, parseDeezerLink } from "../previews/index.js";
import { fileTrackId } from "../service/index.js";
import { parseSpotifyLink } from "../spotify/index.js";

/**
 * `/forget`: the server's data-retention control, for members who may manage the server. A track
 * (by link, or the uploaded file itself) or the server's whole history leaves this server's
 * catalog; a record is deleted outright once no server has it. Answers are private.
 */
export const data = new SlashCommandBuilder()
  .setName("forget")
  .setDescription("Remove tracks from this server's catalog")
  .addSubcommand((s) =>
    s
      .setName("track")
      .setDescription("Forget one track this server heard")
      .addStringOption((o) =>
        o.setName("link").setDescription("Its Spotify or Deezer track link").setMaxLength(300),
      )
      .addAttachmentOption((o) => o.setName("file").setDescription("Or the uploaded recording itself")),
  )
  .addSubcommand((s) =>
    s
      .setName("server")
      .setDescription("Forget every track this server has heard")
      .addBooleanOption((o) =>
        o.setName("confirm").setDescription("Yes: forget this server's whole history").setRequired(true),
      ),
  )
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .setContexts(InteractionContextType.Guild);

export async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  // Server admins can override default permissions, so the check is repeated here.
  if (!interaction.inGuild() || !interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
    await replyPrivately(interaction, "Only members with the Manage Server permission can use /forget.");
    return;
  }
  const server = interaction.guildId;
  if (interaction.options.getSubcommand() === "server") {
    if (!interaction.options.getBoolean("confirm", true)) {
      await replyPrivately(interaction, "Nothing was forgotten.");
      return;
    }
    const count = await ctx.service.forgetServer(server);
    await replyPrivately(
      interaction,
      `Forgotten: ${count} track${count === 1 ? "" : "s"}. This server's catalog is empty; tracks no other server has heard were deleted.`,
    );
    return;
  }
  const id = await trackId(interaction, ctx);
  const outcome = await ctx.service.forget(id, server);
  await replyPrivately(
    interaction,
    outcome === "not-heard"
      ? "That track isn't in this server's catalog."
      : outcome === "deleted"
        ? "Forgotten, and deleted: no other server had heard it."
        : "Forgotten by this server (other servers still have it in theirs).",
  );
}

/** The catalog id the member means, worked out from the link itself (no lookup) or the file's bytes. */
async function trackId(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<string> {
  const file = interaction.options.getAttachment("file");
  if (file) {
    checkUpload(file, ctx.attachments.maxBytes);
    return fileTrackId(await downloadAttachment(file, ctx.attachments));
  }
  const link = interaction.options.getString("link")?.trim() ?? "";
  const spotify = parseSpotifyLink(link);
  if (spotify?.kind === "track") return spotify.id;
  const deezer = parseDeezerLink(link) ?? deezerIdOf(link);
  if (deezer !== undefined) return `deezer:${deezer}`;
  throw new UserFacingError(
    "bad-link",
    "Give the track's Spotify or Deezer link, or upload the recording itself.",
  );
}

import {
  type ChatInputCommandInteraction,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
} from "discord.js";
import type { CommandContext } from "../discord/index.js";
import { NO_MENTIONS, replyPrivately, throttled } from "../discord/index.js";
import { UserFacingError, userMessage } from "../errors.js";
import { type IndexProgress, notSavedSentence } from "../service/index.js";
import { parseSpotifyLink } from "../spotify/index.js";

/**
 * `/index`: adds every track of a Spotify playlist or album to the catalog, for members who may
 * manage the server. One job per server at a time; progress is ONE message, edited at most every
 * `progressIntervalMs` (Discord rate-limits edits), ending in a summary.
 */
export const data = new SlashCommandBuilder()
  .setName("index")
  .setDescription("Add every track of a Spotify playlist or album to the catalog")
  .addStringOption((o) =>
    o.setName("link").setDescription("Spotify playlist or album link").setRequired(true).setMaxLength(300),
  )
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .setContexts(InteractionContextType.Guild);

export async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  // Server admins can override default permissions, so the check is repeated here.
  if (!interaction.inGuild() || !interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
    await replyPrivately(interaction, "Only members with the Manage Server permission can use /index.");
    return;
  }
  const link = interaction.options.getString("link", true).trim();
  const parsed = parseSpotifyLink(link);
  if (!parsed || parsed.kind === "track") {
    const hint = parsed ? " For one track, use /genre." : "";
    throw new UserFacingError("not-a-collection", `That isn't a Spotify playlist or album link.${hint}`);
  }
  const guildId = interaction.guildId;
  if (ctx.indexJobs.has(guildId)) {
    await replyPrivately(
      interaction,
      "An index job is already running in this server — wait for it to finish.",
    );
    return;
  }
  ctx.indexJobs.add(guildId);
  try {
    await interaction.deferReply();
    await runJob(interaction, link, ctx);
  } finally {
    ctx.indexJobs.delete(guildId);
  }
}

async function runJob(
  interaction: ChatInputCommandInteraction,
  link: string,
  ctx: CommandContext,
): Promise<void> {
  const edit = (content: string) =>
    interaction.editReply({ content, allowedMentions: NO_MENTIONS }).then(
      () => undefined,
      (error: unknown) => ctx.logger.warn({ err: error }, "/index: progress edit failed"),
    );
  const message = throttled(ctx.limits.progressIntervalMs, edit);
  message.update("Reading the playlist from Spotify…");
  let summary: string;
  try {
    const result = await ctx.service.indexCollection(
      link,
      (p) => message.update(progressLine(p)),
      ctx.shutdown,
    );
    summary = finalLine(result, ctx.service.catalogSize(), ctx.shutdown.aborted);
  } catch (error) {
    if (!(error instanceof UserFacingError)) ctx.logger.error({ err: error }, "/index failed");
    summary = `⚠️ ${userMessage(error)}`;
  }
  await message.finish(summary);
}

function progressLine(p: IndexProgress): string {
  const extras = [
    p.withoutPreview > 0 ? `${p.withoutPreview} without preview` : undefined,
    p.failed > 0 ? `${p.failed} failed` : undefined,
    p.notSaved > 0 ? `${p.notSaved} not saved` : undefined,
  ].filter(Boolean);
  return `Indexed ${p.done}/${p.total}${extras.length > 0 ? ` · ${extras.join(" · ")}` : ""}`;
}

function finalLine(p: IndexProgress, catalogSize: number, stopped: boolean): string {
  const head = stopped
    ? `Stopped (the bot is shutting down) after ${p.done}/${p.total}`
    : `Done: ${p.done}/${p.total} tracks`;
  return [
    `${head} — ${p.indexed} newly indexed, ${p.skipped} already there, ${p.withoutPreview} without preview, ${p.failed} failed.`,
    ...(p.notSaved > 0 ? [notSavedSentence(p.notSaved)] : []),
    `The catalog now holds ${catalogSize} tracks. Try /similar!`,
  ].join("\n");
}

import {
  type ChatInputCommandInteraction,
  InteractionContextType,
  type Message,
  PermissionFlagsBits,
  SlashCommandBuilder,
} from "discord.js";
import type { CommandContext } from "../discord/index.js";
import { cut, errorContent, NO_MENTIONS, replyPrivately, throttled } from "../discord/index.js";
import { UserFacingError } from "../errors.js";
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

/**
 * Discord lets a bot edit its reply to an interaction for 15 minutes only (then 50027 Invalid
 * Webhook Token), and a large playlist takes longer than that. So when the bot may post in the
 * channel, the reply says where to look and the progress and summary go to an ordinary channel
 * message, which has no deadline. Without that permission the reply carries them and says what
 * permission a longer job needs; once its token has expired, further edits are skipped.
 */
async function runJob(
  interaction: ChatInputCommandInteraction,
  link: string,
  ctx: CommandContext,
): Promise<void> {
  const post = await progressTarget(interaction);
  const send = (content: string) =>
    post(content).catch((error: unknown) =>
      ctx.logger.warn({ err: error }, "/index: progress update failed"),
    );
  const message = throttled(ctx.limits.progressIntervalMs, send);
  message.update("Reading the playlist from Spotify…");
  let summary: string;
  try {
    const result = await ctx.service.indexCollection(
      link,
      (p) => message.update(progressLine(p)),
      ctx.shutdown,
      interaction.guildId ?? undefined,
    );
    summary = finalLine(
      result,
      ctx.service.catalogSize(interaction.guildId ?? undefined),
      ctx.shutdown.aborted,
    );
  } catch (error) {
    if (!(error instanceof UserFacingError)) ctx.logger.error({ err: error }, "/index failed");
    summary = errorContent(error);
  }
  await message.finish(summary);
}

/** Where progress goes: a channel message when the bot may post one, else the interaction's reply. */
async function progressTarget(
  interaction: ChatInputCommandInteraction,
): Promise<(content: string) => Promise<void>> {
  const channel = interaction.channel;
  const mayPost = interaction.appPermissions.has([
    PermissionFlagsBits.ViewChannel,
    PermissionFlagsBits.SendMessages,
  ]);
  if (mayPost && channel?.isSendable()) {
    await editReply(
      interaction,
      "Indexing — progress and the summary follow in a message in this channel (Discord lets me update this reply for only 15 minutes).",
    );
    let posted: Promise<Message> | undefined;
    return async (content) => {
      const body = { content: cut(content, "content"), allowedMentions: NO_MENTIONS };
      if (!posted) {
        posted = channel.send(body);
        await posted;
      } else await (await posted).edit(body);
    };
  }
  const note =
    "\n-# I can update this reply for only 15 minutes: give me Send Messages in this channel so a longer job can post its summary.";
  let expired = false;
  return async (content) => {
    if (expired) return;
    try {
      await editReply(interaction, `${content}${note}`);
    } catch (error) {
      if ((error as { code?: unknown }).code !== INVALID_WEBHOOK_TOKEN) throw error;
      expired = true;
    }
  };
}

/** Discord's answer once an interaction token is older than 15 minutes. */
const INVALID_WEBHOOK_TOKEN = 50027;

async function editReply(interaction: ChatInputCommandInteraction, content: string): Promise<void> {
  await interaction.editReply({ content: cut(content, "content"), allowedMentions: NO_MENTIONS });
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
    `This server's catalog now holds ${catalogSize} tracks. Try /similar!`,
  ].join("\n");
}

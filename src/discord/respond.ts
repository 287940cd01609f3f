import {
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type InteractionEditReplyOptions,
  type MessageContextMenuCommandInteraction,
  type MessageCreateOptions,
  MessageFlags,
  TimestampStyles,
  time,
} from "discord.js";
import { UserFacingError, userMessage } from "../errors.js";
import type { CommandContext } from "./command.js";
import { cut, inert } from "./text.js";

export type Replyable =
  | ChatInputCommandInteraction
  | ButtonInteraction
  | MessageContextMenuCommandInteraction;
export type ReplyBody = Pick<InteractionEditReplyOptions, "content" | "embeds" | "files" | "components">;

/** Replies never ping anyone, whatever a member typed into a song title. */
export const NO_MENTIONS = { parse: [] } as const satisfies MessageCreateOptions["allowedMentions"];

export interface SlowAnswerOptions {
  /** Only the member sees the answer. */
  ephemeral: boolean;
  /** Command name for the per-member cooldown; omit for none. */
  cooldown?: string;
  /** Runs inside the global bounded work queue (for anything that analyses audio). */
  queued: boolean;
}

/**
 * The one way a command does slow work: refuse at once (ephemerally) when the member is cooling
 * down or the bot is full, otherwise acknowledge within Discord's 3 s by deferring, do the work,
 * then edit in the result, or a friendly message if anything failed.
 */
export async function answerSlowly(
  interaction: Replyable,
  ctx: CommandContext,
  options: SlowAnswerOptions,
  work: () => Promise<ReplyBody>,
): Promise<void> {
  if (options.cooldown) {
    const until = ctx.cooldowns.claim(interaction.user.id, options.cooldown);
    if (until !== undefined) {
      await replyPrivately(
        interaction,
        `You can use /${options.cooldown} again ${time(Math.ceil(until / 1000), TimestampStyles.RelativeTime)}.`,
      );
      return;
    }
  }
  const ticket = options.queued ? ctx.queue.reserve() : undefined;
  if (options.queued && !ticket) {
    await replyPrivately(
      interaction,
      `I'm busy with ${ctx.queue.load} songs right now — try again in a minute.`,
    );
    return;
  }
  try {
    await interaction.deferReply(options.ephemeral ? { flags: MessageFlags.Ephemeral } : {});
  } catch (error) {
    ticket?.release();
    throw error;
  }
  let body: ReplyBody;
  try {
    body = ticket ? await ticket.run(work) : await work();
  } catch (error) {
    await showError(interaction, ctx, error);
    return;
  }
  await interaction.editReply({
    ...body,
    ...(typeof body.content === "string" ? { content: cut(body.content, "content") } : {}),
    allowedMentions: NO_MENTIONS,
  });
}

/** An immediate, member-only answer (refusals, validation errors) in the bot's own words. */
export async function replyPrivately(interaction: Replyable, content: string): Promise<void> {
  await interaction.reply({
    content: cut(content, "content"),
    flags: MessageFlags.Ephemeral,
    allowedMentions: NO_MENTIONS,
  });
}

/**
 * What the member reads for a failure. Error messages are plain text (the CLI prints them too) and
 * often quote a member's query, an upload's name or a Spotify title, so the whole message is made
 * inert here rather than at each place that words one.
 */
export function errorContent(error: unknown): string {
  return cut(`⚠️ ${inert(userMessage(error))}`, "content");
}

/**
 * Tells the member what went wrong, in words meant for them; anything that isn't a
 * UserFacingError is a bug: logged in full, shown as a generic apology, never as a stack trace.
 */
export async function showError(interaction: Replyable, ctx: CommandContext, error: unknown): Promise<void> {
  if (error instanceof UserFacingError) {
    ctx.logger.info({ code: error.code, command: describe(interaction) }, "told member: %s", error.message);
  } else {
    ctx.logger.error({ err: error, command: describe(interaction) }, "interaction failed");
  }
  const content = errorContent(error);
  if (interaction.deferred || interaction.replied) {
    await interaction.editReply({
      content,
      embeds: [],
      files: [],
      components: [],
      allowedMentions: NO_MENTIONS,
    });
  } else {
    await replyPrivately(interaction, content);
  }
}

function describe(interaction: Replyable): string {
  if (interaction.isButton()) return `button ${interaction.customId}`;
  return interaction.isChatInputCommand() ? `/${interaction.commandName}` : `menu ${interaction.commandName}`;
}

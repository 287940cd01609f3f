import {
  ApplicationCommandType,
  ContextMenuCommandBuilder,
  InteractionContextType,
  type MessageContextMenuCommandInteraction,
} from "discord.js";
import type { CommandContext } from "../discord/index.js";
import { replyPrivately } from "../discord/index.js";
import { answerGenre } from "./genre.js";
import { NOTHING_TO_HEAR, trackInMessage } from "./message-track.js";

/**
 * Right-click a message → Apps → "Genre of this track": /genre for the first Spotify or Deezer track
 * link in the message, or its first audio attachment, answered in the channel like /genre.
 */
export const data = new ContextMenuCommandBuilder()
  .setName("Genre of this track")
  .setType(ApplicationCommandType.Message)
  .setContexts(InteractionContextType.Guild);

export async function onMessage(
  interaction: MessageContextMenuCommandInteraction,
  ctx: CommandContext,
): Promise<void> {
  const source = trackInMessage(interaction.targetMessage);
  if (!source) await replyPrivately(interaction, NOTHING_TO_HEAR);
  else await answerGenre(interaction, ctx, source, /* ephemeral: */ false);
}

import {
  ApplicationCommandType,
  type Attachment,
  ContextMenuCommandBuilder,
  InteractionContextType,
  type Message,
  type MessageContextMenuCommandInteraction,
} from "discord.js";
import type { Command, CommandContext } from "../discord/index.js";
import { checkUpload, downloadAttachment, replyPrivately } from "../discord/index.js";
import type { AnalyzedTrack, TrackQuery } from "../service/index.js";
import { checkQuery, isTrackLink } from "./track-options.js";

/**
 * What a member pointed the bot at: a track named by artist/song or link, or an audio file on
 * Discord's CDN. /genre, /similar and their context-menu entries all hear it the same way.
 */
export type TrackSource = { query: TrackQuery } | { file: Attachment };

/** Said, privately, when a right-clicked message holds nothing the bot can listen to. */
export const NOTHING_TO_HEAR =
  "I found no Spotify or Deezer track link and no audio file in that message — right-click a message that shares a song.";

/** Link-shaped words: a URL up to whitespace or `>` (Discord's `<…>` suppresses embeds), or a Spotify URI. */
const CANDIDATES = /https?:\/\/[^\s<>]+|spotify:track:[A-Za-z0-9]{22}/g;
const AUDIO_EXTENSIONS = /\.(mp3|wav|ogg|oga|opus|flac|m4a|aac)$/i;

/**
 * The first Spotify or Deezer track link in the message (its text, then the embeds Discord made of
 * it), else its first audio attachment. Context-menu interactions carry the whole message, so this
 * needs no Message Content intent.
 */
export function trackInMessage(message: Message): TrackSource | undefined {
  const texts = [message.content, ...message.embeds.map((embed) => embed.url ?? "")];
  for (const text of texts) {
    const link = text.match(CANDIDATES)?.find((candidate) => isTrackLink(candidate));
    if (link) return { query: { link } };
  }
  const file = message.attachments.find(
    (a) => a.contentType?.toLowerCase().startsWith("audio/") || AUDIO_EXTENSIONS.test(a.name),
  );
  return file ? { file } : undefined;
}

/** Refuses a bad query or an unfit upload before a cooldown or a queue slot is spent on it. */
export function checkSource(source: TrackSource, ctx: CommandContext): void {
  if ("file" in source) checkUpload(source.file, ctx.attachments.maxBytes);
  else checkQuery(source.query);
}

/**
 * Finds and analyses the track (or downloads and analyses the file), remembering it in the catalog
 * as heard in `server` (the Discord guild the request came from).
 */
export async function hear(
  source: TrackSource,
  ctx: CommandContext,
  server: string | undefined,
): Promise<AnalyzedTrack> {
  if ("file" in source) {
    const bytes = await downloadAttachment(source.file, ctx.attachments);
    return ctx.service.analyzeFile(bytes, source.file.name, server);
  }
  return ctx.service.analyzeTrack(await ctx.service.find(source.query), server);
}

/**
 * A message context-menu entry (right-click a message → Apps) that hears the message's track and
 * answers with `answer`; a message with nothing to hear gets one private sentence. Needs no
 * privileged intent: Discord sends the message with the interaction.
 */
export function messageMenu(
  name: string,
  answer: (
    interaction: MessageContextMenuCommandInteraction,
    ctx: CommandContext,
    source: TrackSource,
  ) => Promise<void>,
): Command {
  return {
    data: new ContextMenuCommandBuilder()
      .setName(name)
      .setType(ApplicationCommandType.Message)
      .setContexts(InteractionContextType.Guild),
    async onMessage(interaction, ctx) {
      const source = trackInMessage(interaction.targetMessage);
      if (!source) await replyPrivately(interaction, NOTHING_TO_HEAR);
      else await answer(interaction, ctx, source);
    },
  };
}

import { ActivityType, type ChatInputCommandInteraction, SlashCommandBuilder } from "discord.js";
import type { CommandContext, Replyable } from "../discord/index.js";
import { answerSlowly } from "../discord/index.js";
import { UserFacingError } from "../errors.js";
import type { TrackQuery } from "../service/index.js";
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

/** /genre with no arguments and no presences to read: how to name a song instead. */
export const HOW_TO_NAME_A_SONG =
  "Name a song: `/genre artist:<who> song:<title>` (pick a suggestion), paste a Spotify or Deezer link in `link:`, or upload a recording in `file:`.";
export const NOT_LISTENING =
  "I can't see you listening to anything on Spotify right now (your Discord status must show it) — name a song with `artist:` and `song:`, or paste a link.";

export async function execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const file = interaction.options.getAttachment("file");
  const typed = readTrackQuery(interaction);
  const nothingNamed = !file && !typed.link && !typed.artist && !typed.song;
  const query = nothingNamed ? listeningNow(interaction, ctx) : typed;
  const source: TrackSource = file ? { file } : { query };
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

/**
 * /genre with no arguments: the track the member is playing on Spotify right now, from their Discord
 * presence (needs the privileged Guild Presences intent, so only with PRESENCE_INTENT=true). Spotify's
 * activity carries the track id (`sync_id`); a bot without Spotify access searches its title and
 * first artist instead.
 */
function listeningNow(interaction: ChatInputCommandInteraction, ctx: CommandContext): TrackQuery {
  if (!ctx.presences) throw new UserFacingError("empty-query", HOW_TO_NAME_A_SONG);
  const presence = interaction.guild?.presences.cache.get(interaction.user.id);
  const spotify = presence?.activities.find(
    (a) => a.type === ActivityType.Listening && a.name === "Spotify" && a.syncId,
  );
  if (!spotify?.syncId) throw new UserFacingError("not-listening", NOT_LISTENING);
  if (ctx.service.searchSource === "Spotify")
    return { link: `https://open.spotify.com/track/${spotify.syncId}` };
  return { artist: spotify.state?.split("; ")[0] ?? "", song: spotify.details ?? "" };
}

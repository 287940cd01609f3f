import type {
  ApplicationCommandOptionChoiceData,
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  SlashCommandBuilder,
  SlashCommandOptionsOnlyBuilder,
} from "discord.js";
import type { CommandContext } from "../discord/index.js";
import { cut } from "../discord/index.js";
import { UserFacingError } from "../errors.js";
import { parseDeezerLink } from "../previews/index.js";
import { checkTrackQuery, type TrackQuery } from "../service/index.js";
import { parseSpotifyLink } from "../spotify/index.js";

/** Discord's limit on autocomplete answers. */
const MAX_CHOICES = 25;

/** The ways /genre and /similar name a track: artist + song (autocompleted), or a Spotify or Deezer link. */
export function withTrackOptions(builder: SlashCommandBuilder): SlashCommandOptionsOnlyBuilder {
  return builder
    .addStringOption((o) => o.setName("artist").setDescription("Who made it").setMaxLength(100))
    .addStringOption((o) =>
      o
        .setName("song")
        .setDescription("Song title (pick a suggestion to name the exact track)")
        .setMaxLength(200)
        .setAutocomplete(true),
    )
    .addStringOption((o) =>
      o.setName("link").setDescription("A Spotify or Deezer track link instead").setMaxLength(300),
    );
}

/** What the member asked for; a picked suggestion arrives as a track link in `song`. */
export function readTrackQuery(interaction: ChatInputCommandInteraction): TrackQuery {
  const link = interaction.options.getString("link")?.trim();
  const song = interaction.options.getString("song")?.trim();
  const artist = interaction.options.getString("artist")?.trim();
  if (link) return { link };
  if (song && isTrackLink(song)) return { link: song };
  return { ...(artist ? { artist } : {}), ...(song ? { song } : {}) };
}

/** A Spotify or Deezer track link, as pasted or as a picked suggestion's value. */
export function isTrackLink(text: string): boolean {
  return parseSpotifyLink(text)?.kind === "track" || parseDeezerLink(text) !== undefined;
}

/**
 * Refuses at once, before a cooldown or a queue slot is spent, a query that names no single track;
 * an album or playlist link gets pointed at /index.
 */
export function checkQuery(query: TrackQuery): void {
  try {
    checkTrackQuery(query);
  } catch (error) {
    if (!(error instanceof UserFacingError && error.code === "not-a-track")) throw error;
    throw new UserFacingError(error.code, `${error.message} Use /index to add all of it.`, { cause: error });
  }
}

/**
 * Song suggestions as the member types: Spotify (or, without it, Deezer) matches for "artist + typed text", each offered
 * as "Title — Artists" whose value is the track's link, so picking one names exactly that track.
 * Autocomplete can't be deferred and has no error display, so failures just offer nothing.
 */
export async function suggestSongs(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void> {
  const typed = interaction.options.getFocused().trim();
  const artist = interaction.options.getString("artist")?.trim() ?? "";
  const query = `${artist} ${typed}`.trim();
  let choices: ApplicationCommandOptionChoiceData<string>[] = [];
  if (ctx.suggest && typed.length >= 2 && !isTrackLink(typed)) {
    try {
      const tracks = await ctx.suggest(query);
      const seen = new Set<string>();
      choices = tracks.flatMap((track) => {
        const value = track.spotifyUrl ?? track.deezerUrl;
        if (value === undefined || seen.has(value)) return [];
        seen.add(value);
        // A choice name is plain text (never markdown): cut, not escaped. The value is a 53-character link.
        return [{ name: cut(`${track.title} — ${track.artists.join(", ")}`, "choiceName"), value }];
      });
    } catch (error) {
      ctx.logger.debug({ err: error }, "autocomplete: no suggestions");
    }
  }
  await interaction.respond(choices.slice(0, MAX_CHOICES));
}

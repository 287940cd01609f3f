import { type ChatInputCommandInteraction, SlashCommandBuilder } from "discord.js";
import { replyPrivately } from "../discord/index.js";

/** `/help`: what the bot does, in a few lines, to the member only. */
export const data = new SlashCommandBuilder()
  .setName("help")
  .setDescription("What genrebot does and how to use it");

const HELP = [
  "**genrebot listens to music.**",
  "• `/genre artist song` (or `link:` / `file:`) — I play the 30-second preview through my model and tell you its genre, with a chart of how sure I am and how it moves over the clip.",
  "• `/similar artist song` — tracks in this server's catalog that sound alike (`same_genre` stays in the genre, `scope: everywhere` uses every server's).",
  "• Right-click a message → Apps → **Genre of this track** or **Similar tracks** — the same, for the song that message shares (a link or an audio file).",
  "• `/stats` — what this server listens to: its genre mix, month by month, and its two most alike tracks.",
  "• `/index link` — members with Manage Server can add a whole Spotify playlist or album to the catalog.",
  "• `/forget` — members with Manage Server can remove a track, or everything, from this server's catalog.",
  "Previews come from Spotify, Deezer or Apple Music; uploads stay between you and the bot (use `private:`).",
].join("\n");

export async function execute(interaction: ChatInputCommandInteraction): Promise<void> {
  await replyPrivately(interaction, HELP);
}

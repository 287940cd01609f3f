import { ActionRowBuilder, AttachmentBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder } from "discord.js";
import type { TrackRecord } from "../catalog/index.js";
import { notableTags } from "../classifier/index.js";
import type { ReplyBody } from "../discord/index.js";
import { cut, genreColorNumber, genreLabel, inert } from "../discord/index.js";
import type { AnalyzedTrack } from "../service/index.js";

export const CHART_FILE = "genre.png";

/**
 * A credit or album name gets at most this much of the description, so a 70-artist credit is cut
 * there and the genre line below it always shows.
 */
const CREDIT_MAX = 1500;

const SOURCE_NAMES: Record<string, string> = {
  spotify: "Spotify",
  deezer: "Deezer",
  itunes: "Apple Music",
  upload: "your upload",
};

/** Where a member can open the track: Spotify when the bot found it there, else Deezer. */
export function trackPage(record: TrackRecord): { service: string; url: string } | undefined {
  if (record.spotifyUrl) return { service: "Spotify", url: record.spotifyUrl };
  if (record.deezerUrl) return { service: "Deezer", url: record.deezerUrl };
  return undefined;
}

/** The custom id of the "Similar tracks" button: the router sends clicks to /similar. */
export function similarButtonId(trackId: string): string {
  return `similar:${trackId}`;
}

/**
 * What a member sees after /genre: an embed naming the track and its top genre with confidence,
 * the few musicnn tags that clear a threshold ("rock · classic rock · alternative"), the chart (probability bars + timeline, rendered by the caller), where the audio came from and the model version, plus
 * buttons for similar tracks and the Spotify page. Everything a member or Spotify typed is escaped.
 */
export function genreReply(result: AnalyzedTrack, chartPng: Uint8Array): ReplyBody {
  const { record, analysis } = result;
  const [top, second] = analysis.genres;
  if (!top) throw new Error("analysis without genres");
  const confidence = Math.round(top.probability * 100);
  const runnerUp = second
    ? ` · then ${genreLabel(second.genre)} ${Math.round(second.probability * 100)}%`
    : "";
  const tags = notableTags(analysis.tags);
  const lines = [
    record.artists.length > 0 ? `by **${cut(inert(record.artists.join(", ")), CREDIT_MAX)}**` : undefined,
    record.album ? `on *${cut(inert(record.album), CREDIT_MAX)}*` : undefined,
    "",
    `## ${genreLabel(top.genre)} · ${confidence}%${runnerUp}`,
    tags.length > 0 ? `Sounds like: ${tags.map((t) => inert(t.tag)).join(" · ")}` : undefined,
    `Preview audio: ${SOURCE_NAMES[record.previewSource ?? ""] ?? record.previewSource ?? "unknown"}`,
  ].filter((line) => line !== undefined);

  const embed = new EmbedBuilder()
    .setTitle(cut(inert(record.title), "embedTitle"))
    .setDescription(cut(lines.join("\n"), "embedDescription"))
    .setColor(genreColorNumber(top.genre))
    .setImage(`attachment://${CHART_FILE}`)
    .setFooter({
      text: cut(
        `Model ${analysis.modelVersion}${result.saved ? "" : " · not saved to the catalog (storage is down)"}`,
        "footer",
      ),
    });
  const page = trackPage(record);
  if (page) embed.setURL(page.url);
  if (record.artworkUrl) embed.setThumbnail(record.artworkUrl);

  const buttons = new ActionRowBuilder<ButtonBuilder>();
  // A click looks the record up in the catalog (or, for a Spotify track, finds it again), so an upload
  // the catalog could not save gets no button.
  if (result.track || result.saved || result.reused) {
    buttons.addComponents(
      new ButtonBuilder()
        .setCustomId(similarButtonId(record.id))
        .setLabel("Similar tracks")
        .setStyle(ButtonStyle.Primary)
        .setEmoji("🎧"),
    );
  }
  if (page) {
    buttons.addComponents(
      new ButtonBuilder().setLabel(`Open in ${page.service}`).setStyle(ButtonStyle.Link).setURL(page.url),
    );
  }
  const chart = new AttachmentBuilder(Buffer.from(chartPng), {
    name: CHART_FILE,
    // Alt text is plain text: cut, never escaped (a backslash would be read out).
    description: cut(`Genre probabilities for ${record.title}`, "attachmentDescription"),
  });
  return {
    content: "",
    embeds: [embed],
    files: [chart],
    components: buttons.components.length > 0 ? [buttons] : [],
  };
}

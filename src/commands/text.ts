import { escapeMarkdown } from "discord.js";

/**
 * Text from members or Spotify, made inert for Discord markdown: no bold/links/headings/lists
 * smuggled in through a song title.
 */
export function safe(text: string): string {
  return escapeMarkdown(text, { maskedLink: true, heading: true, bulletedList: true, numberedList: true });
}

/** Cuts to Discord's field limits with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

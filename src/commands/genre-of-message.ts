import { answerGenre } from "./genre.js";
import { messageMenu } from "./message-track.js";

/**
 * Right-click a message → Apps → "Genre of this track": /genre for the first Spotify or Deezer track
 * link in the message, or its first audio attachment, answered in the channel like /genre. A
 * context menu carries no options, so /genre's `private:true` is a second entry of its own.
 */
export const inChannel = messageMenu("Genre of this track", (interaction, ctx, source) =>
  answerGenre(interaction, ctx, source, /* ephemeral: */ false),
);

export const onlyForMe = messageMenu("Genre of this track (only me)", (interaction, ctx, source) =>
  answerGenre(interaction, ctx, source, /* ephemeral: */ true),
);

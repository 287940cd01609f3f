import { messageMenu } from "./message-track.js";
import { answerSimilar } from "./similar.js";

/**
 * Right-click a message → Apps → "Similar tracks": /similar for the first Spotify or Deezer track
 * link in the message, or its first audio attachment, answered in the channel like /similar; the
 * "(only me)" entry answers privately, as /similar's `private:true` does.
 */
export const inChannel = messageMenu("Similar tracks", (interaction, ctx, source) =>
  answerSimilar(interaction, ctx, source, { sameGenre: false, ephemeral: false }),
);

export const onlyForMe = messageMenu("Similar tracks (only me)", (interaction, ctx, source) =>
  answerSimilar(interaction, ctx, source, { sameGenre: false, ephemeral: true }),
);

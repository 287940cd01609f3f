import type { Command } from "../discord/index.js";
import * as forget from "./forget.js";
import * as genre from "./genre.js";
import * as genreOfMessage from "./genre-of-message.js";
import * as help from "./help.js";
import * as indexCollection from "./index-collection.js";
import * as similar from "./similar.js";
import * as similarOfMessage from "./similar-of-message.js";
import * as stats from "./stats.js";

/**
 * Every slash command and message context-menu entry the bot registers and answers; each file
 * declares its own data and handlers.
 */
export const COMMANDS: readonly Command[] = [
  genre,
  similar,
  indexCollection,
  forget,
  stats,
  help,
  genreOfMessage.inChannel,
  genreOfMessage.onlyForMe,
  similarOfMessage.inChannel,
  similarOfMessage.onlyForMe,
];

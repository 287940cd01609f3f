import type { Command } from "../discord/index.js";
import * as genre from "./genre.js";
import * as help from "./help.js";
import * as indexCollection from "./index-collection.js";
import * as similar from "./similar.js";

/** Every slash command the bot registers and answers; each file declares its own data and handlers. */
export const COMMANDS: readonly Command[] = [genre, similar, indexCollection, help];

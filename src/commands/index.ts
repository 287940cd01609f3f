import * as genre from "./genre.js";
import * as help from "./help.js";
import * as indexCollection from "./index-collection.js";
import * as similar from "./similar.js";
import type { Command } from "./types.js";

/** Every slash command the bot registers and answers; each file declares its own data and handlers. */
export const COMMANDS: readonly Command[] = [genre, similar, indexCollection, help];

export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((command) => command.data.name === name);
}

export type { BotLimits, Command, CommandContext } from "./types.js";

/** The slash commands and context-menu entries: main.ts hands this list to the bot and to registration. */
export { COMMANDS } from "./all.js";

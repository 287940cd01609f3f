/** The slash commands: main.ts hands this list to the bot and to registration. */
export { COMMANDS } from "./all.js";

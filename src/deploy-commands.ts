import { COMMANDS } from "./commands/index.js";
import { ConfigError, loadDotEnv, readConfig } from "./config.js";
import { registerCommands } from "./discord/index.js";
import { UserFacingError } from "./errors.js";

/** `npm run deploy-commands`: register the slash commands with Discord (run after changing them). */
loadDotEnv();
try {
  const { discord } = readConfig(process.env, ["discord"]);
  const { scope, names } = await registerCommands({ ...discord, commands: COMMANDS });
  const list = names.map((name) => `/${name}`).join(", ");
  console.log(
    scope === "guild"
      ? `Registered ${names.length} commands in guild ${discord.guildId}: ${list}. They work right away.`
      : `Registered ${names.length} global commands: ${list}. Discord can take up to an hour to show them everywhere; set DISCORD_GUILD_ID for instant updates while developing.`,
  );
} catch (error) {
  if (!(error instanceof UserFacingError || error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}

import { REST, Routes } from "discord.js";
import { UserFacingError } from "../errors.js";
import type { Command } from "./command.js";

export interface Registration {
  scope: "guild" | "global";
  names: string[];
}

/**
 * Registers every command's data in one bulk overwrite: to one guild when `guildId` is set
 * (instant, for development), otherwise globally (Discord may take up to an hour to show it).
 */
export async function registerCommands(options: {
  commands: readonly Command[];
  token: string;
  clientId: string;
  guildId?: string | undefined;
  /** Base API URL; tests point it at a fake Discord. */
  api?: string;
}): Promise<Registration> {
  const rest = new REST({ version: "10", ...(options.api ? { api: options.api } : {}) }).setToken(
    options.token,
  );
  const body = options.commands.map((command) => command.data.toJSON());
  const route = options.guildId
    ? Routes.applicationGuildCommands(options.clientId, options.guildId)
    : Routes.applicationCommands(options.clientId);
  let saved: unknown;
  try {
    saved = await rest.put(route, { body });
  } catch (error) {
    throw registrationError(error, options.guildId);
  }
  return {
    scope: options.guildId ? "guild" : "global",
    names: (saved as Array<{ name: string }>).map((command) => command.name),
  };
}

function registrationError(error: unknown, guildId: string | undefined): UserFacingError {
  const status = (error as { status?: number }).status;
  if (status === 401) {
    return new UserFacingError(
      "discord-token-rejected",
      "Discord rejected DISCORD_TOKEN — reset it in the developer portal.",
      {
        cause: error,
      },
    );
  }
  if (status === 403 || status === 404) {
    const where = guildId ? ` in guild ${guildId}` : "";
    return new UserFacingError(
      "discord-no-access",
      `Discord refused to register the commands${where} (HTTP ${status}). Check DISCORD_CLIENT_ID, and that the bot was invited with the applications.commands scope.`,
      { cause: error },
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new UserFacingError(
    "discord-unreachable",
    `Couldn't reach Discord (${reason}) — check your network.`,
    {
      cause: error,
    },
  );
}

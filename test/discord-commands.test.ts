import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../src/commands/index.js";
import { registerCommands } from "../src/discord/register-commands.js";
import { FakeDiscord } from "./fakes/discord/index.js";

/** `npm run deploy-commands`: what it registers, where, and what it says when Discord refuses. */

const ALL_NAMES = [
  "genre",
  "similar",
  "index",
  "forget",
  "stats",
  "help",
  "Genre of this track",
  "Genre of this track (only me)",
  "Similar tracks",
  "Similar tracks (only me)",
];

let fake: FakeDiscord;
beforeAll(async () => {
  fake = await FakeDiscord.start();
});
afterAll(async () => {
  await fake.close();
});

describe("registerCommands", () => {
  it("registers every command globally when no guild is given", async () => {
    const result = await registerCommands({
      commands: COMMANDS,
      token: fake.token,
      clientId: fake.applicationId,
      api: fake.apiUrl,
    });
    expect(result).toEqual({ scope: "global", names: ALL_NAMES });
    expect(fake.commands.global.map((c) => c.name)).toEqual(ALL_NAMES);
    const put = fake.requests.find((r) => r.method === "PUT");
    expect(put?.route).toBe(`/applications/${fake.applicationId}/commands`);
  });

  it("registers to one guild when DISCORD_GUILD_ID is set", async () => {
    const result = await registerCommands({
      commands: COMMANDS,
      token: fake.token,
      clientId: fake.applicationId,
      guildId: fake.guild.id,
      api: fake.apiUrl,
    });
    expect(result.scope).toBe("guild");
    expect(fake.commands.guild.get(fake.guild.id)).toHaveLength(COMMANDS.length);
  });

  it("says the token was rejected on 401", async () => {
    await expect(
      registerCommands({
        commands: COMMANDS,
        token: "stale-token",
        clientId: fake.applicationId,
        api: fake.apiUrl,
      }),
    ).rejects.toThrow("Discord rejected DISCORD_TOKEN — reset it in the developer portal.");
  });

  it("points at the client id and invite scope when Discord refuses access", async () => {
    await expect(
      registerCommands({
        commands: COMMANDS,
        token: fake.token,
        clientId: "123456789012345678",
        guildId: fake.guild.id,
        api: fake.apiUrl,
      }),
    ).rejects.toThrow(/refused to register the commands in guild \d+ \(HTTP 403\)\. Check DISCORD_CLIENT_ID/);
  });
});

/** A slash command's registration body (context-menu entries have no options). */
function slashJson(name: string): RESTPostAPIChatInputApplicationCommandsJSONBody | undefined {
  const json = COMMANDS.find((c) => c.data.name === name)?.data.toJSON();
  return json && (json.type ?? ApplicationCommandType.ChatInput) === ApplicationCommandType.ChatInput
    ? (json as RESTPostAPIChatInputApplicationCommandsJSONBody)
    : undefined;
}

describe("command definitions", () => {
  it("give /genre and /similar the artist, song (autocompleted) and link options", () => {
    for (const name of ["genre", "similar"]) {
      const options = slashJson(name)?.options ?? [];
      expect(options.slice(0, 3).map((o) => o.name)).toEqual(["artist", "song", "link"]);
      expect(options.every((o) => !("required" in o) || !o.required)).toBe(true);
      expect(options.find((o) => o.name === "song")).toMatchObject({ autocomplete: true });
    }
    const genre = slashJson("genre");
    expect(genre?.options?.find((o) => o.name === "file")?.type).toBe(
      ApplicationCommandOptionType.Attachment,
    );
  });
});

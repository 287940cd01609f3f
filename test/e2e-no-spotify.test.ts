import {
  ButtonStyle,
  ComponentType,
  GatewayIntentBits,
  InteractionResponseType,
  MessageFlags,
} from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOW_TO_NAME_A_SONG } from "../src/commands/genre.js";
import { inert } from "../src/discord/text.js";
import { NO_SPOTIFY_ACCESS } from "../src/previews/index.js";
import { type BotHarness, clipSongs, startBotHarness } from "./fakes/discord/harness.js";

/**
 * The bot started with DISCORD_TOKEN and DISCORD_CLIENT_ID only (no Spotify credentials), against
 * the spec-validating fake Discord: searches, autocomplete and metadata come from Deezer's public
 * API, replies link to Deezer, and Spotify is never called.
 */

const SONGS = clipSongs(1);
const ROCK = SONGS.find((s) => s.genre === "rock") ?? SONGS[0];
const POP = SONGS.find((s) => s.genre === "pop") ?? SONGS[1];
if (!ROCK?.deezer || !POP?.deezer) throw new Error("clip songs need Deezer copies");
const deezerUrl = (id: number) => `https://www.deezer.com/track/${id}`;

let h: BotHarness & { sources: string };
let memberCount = 0;
const someone = () => ({ user: h.fake.member(`member${++memberCount}`) });
const spotifyCalls = () =>
  h.internet.calls.filter((call) => call.host === "api.spotify.com" || call.host === "accounts.spotify.com");

beforeAll(async () => {
  h = await startBotHarness({ songs: SONGS, spotify: false });
  await h.registerCommands();
}, 120_000);

afterAll(async () => {
  await h?.close();
}, 60_000);

describe("a bot with no Spotify credentials", () => {
  it("says at start-up that search comes from Deezer", () => {
    expect(h.sources).toBe(
      "Search and metadata: Deezer (no Spotify credentials: Spotify links are answered with a note). Preview audio: Deezer, then iTunes.",
    );
  });

  it("/genre artist song finds the track on Deezer, hears its preview and links to Deezer", async () => {
    const sent = h.fake.dispatchCommand("genre", { artist: ROCK.artists[0], song: ROCK.title }, someone());
    const reply = await h.fake.waitForReply(sent);
    const embed = reply.embeds[0] as { title: string; url: string; description: string };
    expect(embed.title).toBe(ROCK.title);
    expect(embed.url).toBe(deezerUrl(ROCK.deezer?.id ?? 0));
    expect(embed.description).toContain("Preview audio: Deezer");
    const buttons = reply.components.flatMap(
      (row) => row.components as Array<{ type: number; style: number; label?: string; url?: string }>,
    );
    expect(buttons).toContainEqual(
      expect.objectContaining({
        type: ComponentType.Button,
        style: ButtonStyle.Link,
        label: "Open in Deezer",
        url: deezerUrl(ROCK.deezer?.id ?? 0),
      }),
    );
    expect(h.service.searchSource).toBe("Deezer");
    expect(await h.service.lookup(`deezer:${ROCK.deezer?.id}`)).toMatchObject({
      deezerUrl: deezerUrl(ROCK.deezer?.id ?? 0),
      previewSource: "deezer",
    });
  });

  it("autocompletes songs from Deezer; picking one names that Deezer track", async () => {
    let choices: Array<{ name: string; value: string | number }> = [];
    await expect
      .poll(
        async () => {
          const typed = h.fake.dispatchAutocomplete("genre", { song: POP.title }, "song", someone());
          choices = await h.fake.waitForChoices(typed);
          return choices;
        },
        { timeout: 20_000 },
      )
      .toEqual([{ name: `${POP.title} — ${POP.artists[0]}`, value: deezerUrl(POP.deezer?.id ?? 0) }]);
    const picked = h.fake.dispatchCommand("genre", { song: String(choices[0]?.value) }, someone());
    const reply = await h.fake.waitForReply(picked);
    expect((reply.embeds[0] as { url: string }).url).toBe(deezerUrl(POP.deezer?.id ?? 0));
  });

  it("answers a Spotify link with one sentence saying it has no Spotify access", async () => {
    const sent = h.fake.dispatchCommand(
      "genre",
      { link: `https://open.spotify.com/track/${ROCK.spotifyId}` },
      someone(),
    );
    expect((await h.fake.waitForAck(sent)).type).toBe(
      InteractionResponseType.DeferredChannelMessageWithSource,
    );
    const reply = await h.fake.waitForReply(sent);
    expect(reply.content).toBe(`⚠️ ${NO_SPOTIFY_ACCESS}`);
    expect(reply.embeds).toEqual([]);
  });

  it("without PRESENCE_INTENT, /genre with no arguments explains how to name a song (and never asks for presences)", async () => {
    expect((h.fake.gateway.identifies.at(-1)?.intents ?? 0) & GatewayIntentBits.GuildPresences).toBe(0);
    const sent = h.fake.dispatchCommand("genre", {}, someone());
    const ack = await h.fake.waitForAck(sent);
    expect(ack.data).toMatchObject({
      content: `⚠️ ${inert(HOW_TO_NAME_A_SONG)}`,
      flags: MessageFlags.Ephemeral,
    });
  });

  it("never calls Spotify, and Discord accepted every request body", () => {
    expect(spotifyCalls()).toEqual([]);
    expect(h.fake.refused).toEqual([]);
  });
});

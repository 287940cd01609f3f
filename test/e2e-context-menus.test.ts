import { readFileSync } from "node:fs";
import { ApplicationCommandType, InteractionResponseType, MessageFlags } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOTHING_TO_HEAR } from "../src/commands/message-track.js";
import { type BotHarness, clipSongs, startBotHarness } from "./fakes/discord/harness.js";

/**
 * Right-click a message → Apps: "Genre of this track" and "Similar tracks", end to end against the
 * spec-validating fake Discord (message context-menu interactions: type 2, data.type 3, the message
 * in resolved.messages), the real model and a real SQLite catalog.
 */

const SONGS = clipSongs(1);
const byGenre = (genre: string) => {
  const song = SONGS.find((s) => s.genre === genre);
  if (!song?.deezer) throw new Error(genre);
  return song;
};
const [ROCK, POP, CLASSICAL, ELECTRONIC] = ["rock", "pop", "classical", "electronic"].map(byGenre) as [
  ReturnType<typeof byGenre>,
  ReturnType<typeof byGenre>,
  ReturnType<typeof byGenre>,
  ReturnType<typeof byGenre>,
];

let h: BotHarness;
let memberCount = 0;
const someone = () => ({ user: h.fake.member(`member${++memberCount}`) });

beforeAll(async () => {
  h = await startBotHarness({ songs: SONGS });
  await h.registerCommands();
}, 120_000);

afterAll(async () => {
  await h?.close();
}, 60_000);

describe("message context menus", () => {
  it("are registered as message commands (type 3) with their display names", () => {
    const commands = h.fake.commands.guild.get(h.fake.guild.id) as Array<{ name: string; type?: number }>;
    const menus = commands.filter((c) => c.type === ApplicationCommandType.Message).map((c) => c.name);
    expect(menus.sort()).toEqual([
      "Genre of this track",
      "Genre of this track (only me)",
      "Similar tracks",
      "Similar tracks (only me)",
    ]);
  });

  it("Genre of this track: takes the first Spotify track link in the message and answers in the channel", async () => {
    const sent = h.fake.dispatchMessageCommand(
      "Genre of this track",
      {
        content: `new favourite!! <https://open.spotify.com/album/${"A".repeat(22)}> then https://open.spotify.com/track/${ROCK.spotifyId}?si=abc and https://open.spotify.com/track/${POP.spotifyId}`,
      },
      someone(),
    );
    const ack = await h.fake.waitForAck(sent);
    expect(ack.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expect((Number(ack.data?.flags ?? 0) & MessageFlags.Ephemeral) === 0).toBe(true);
    const reply = await h.fake.waitForReply(sent);
    const embed = reply.embeds[0] as { title: string; url: string; description: string };
    expect(embed.title).toBe(ROCK.title);
    expect(embed.url).toBe(`https://open.spotify.com/track/${ROCK.spotifyId}`);
    expect(reply.attachments[0]?.filename).toBe("genre.png");
  });

  it("Genre of this track: a Deezer track link works too, and the reply links to Deezer", async () => {
    const link = `https://www.deezer.com/en/track/${POP.deezer?.id}`;
    const sent = h.fake.dispatchMessageCommand(
      "Genre of this track",
      { content: `listen: ${link}` },
      someone(),
    );
    const reply = await h.fake.waitForReply(sent);
    const embed = reply.embeds[0] as { title: string; url: string; description: string };
    expect(embed.title).toBe(POP.title);
    expect(embed.url).toBe(`https://www.deezer.com/track/${POP.deezer?.id}`);
    expect(embed.description).toContain("Preview audio: Deezer");
  });

  it("Genre of this track: with no link, hears the message's first audio attachment", async () => {
    const sent = h.fake.dispatchMessageCommand(
      "Genre of this track",
      {
        content: "my band's demo",
        attachments: [
          {
            filename: "cover.png",
            bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
            contentType: "image/png",
          },
          {
            filename: "demo.mp3",
            bytes: new Uint8Array(readFileSync(ELECTRONIC.clip)),
            contentType: "audio/mpeg",
          },
        ],
      },
      someone(),
    );
    const reply = await h.fake.waitForReply(sent);
    const embed = reply.embeds[0] as { title: string; description: string };
    expect(embed.title).toBe("demo");
    expect(embed.description).toContain("Preview audio: your upload");
  });

  it("a message with nothing to hear gets one private sentence", async () => {
    for (const name of ["Genre of this track", "Similar tracks (only me)"]) {
      const sent = h.fake.dispatchMessageCommand(
        name,
        { content: "what a great gig last night https://example.com/track/123" },
        someone(),
      );
      const ack = await h.fake.waitForAck(sent);
      expect(ack.type).toBe(InteractionResponseType.ChannelMessageWithSource);
      expect(ack.data).toMatchObject({ content: NOTHING_TO_HEAR, flags: MessageFlags.Ephemeral });
    }
  });

  it("Similar tracks: lists catalog tracks that sound like the linked one, in the channel", async () => {
    const sent = h.fake.dispatchMessageCommand(
      "Similar tracks",
      { content: `spotify:track:${CLASSICAL.spotifyId}` },
      someone(),
    );
    const ack = await h.fake.waitForAck(sent);
    expect(ack.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const reply = await h.fake.waitForReply(sent);
    const embed = reply.embeds[0] as { title: string; description: string };
    expect(embed.title).toBe(`Sounds like ${CLASSICAL.title}`);
    // The three tracks heard above, each once, best first.
    const lines = embed.description.split("\n");
    expect(lines).toHaveLength(3);
    expect(embed.description).toContain(ROCK.title);
    expect(embed.description).toContain(POP.title);
    expect(embed.description).toContain("demo");
  });

  it("the (only me) entries answer privately, as /genre and /similar do with private:true", async () => {
    for (const name of ["Genre of this track (only me)", "Similar tracks (only me)"]) {
      const sent = h.fake.dispatchMessageCommand(
        name,
        { content: `https://open.spotify.com/track/${ROCK.spotifyId}` },
        someone(),
      );
      const ack = await h.fake.waitForAck(sent);
      expect(ack.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
      expect(Number(ack.data?.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
      const reply = await h.fake.waitForReply(sent);
      const embed = reply.embeds[0] as { title: string };
      expect(embed.title).toContain(ROCK.title);
    }
  });

  it("Discord accepted every request body", () => {
    expect(h.fake.refused).toEqual([]);
  });
});

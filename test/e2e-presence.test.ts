import { GatewayIntentBits, InteractionResponseType, MessageFlags } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOT_LISTENING } from "../src/commands/genre.js";
import { inert } from "../src/discord/text.js";
import { type BotHarness, clipSongs, startBotHarness } from "./fakes/discord/harness.js";

/**
 * `/genre` with no arguments and PRESENCE_INTENT=true: the bot asks Discord for Guild Presences
 * (switched on for it in the fake's "developer portal"), and answers for the track a member is
 * playing on Spotify, as their presence updates on the gateway say.
 */

const SONGS = clipSongs(1);
const ROCK = SONGS.find((s) => s.genre === "rock") ?? SONGS[0];
if (!ROCK) throw new Error("no rock clip");

let h: BotHarness;

beforeAll(async () => {
  h = await startBotHarness({ songs: SONGS, presenceIntent: true });
}, 120_000);

afterAll(async () => {
  await h?.close();
}, 60_000);

/** Waits until discord.js has taken in the member's latest presence. */
async function presenceArrived(userId: string, listening: boolean): Promise<void> {
  await expect
    .poll(() => {
      const presence = h.bot.client.guilds.cache.get(h.fake.guild.id)?.presences.cache.get(userId);
      return presence !== undefined && presence.activities.length > 0 === listening;
    })
    .toBe(true);
}

describe("/genre with no arguments, from the member's Spotify presence", () => {
  it("identifies with the Guild Presences intent", () => {
    const last = h.fake.gateway.identifies.at(-1);
    expect((last?.intents ?? 0) & GatewayIntentBits.GuildPresences).toBe(GatewayIntentBits.GuildPresences);
  });

  it("answers for the track the member is listening to right now", async () => {
    const listener = h.fake.member("listener-now");
    h.fake.updatePresence(listener, {
      trackId: ROCK.spotifyId,
      title: ROCK.title,
      artists: ROCK.artists,
      album: ROCK.album ?? ROCK.title,
    });
    await presenceArrived(listener.id, true);
    const sent = h.fake.dispatchCommand("genre", {}, { user: listener });
    expect((await h.fake.waitForAck(sent)).type).toBe(
      InteractionResponseType.DeferredChannelMessageWithSource,
    );
    const reply = await h.fake.waitForReply(sent);
    const embed = reply.embeds[0] as { title: string; url: string };
    expect(embed.title).toBe(ROCK.title);
    expect(embed.url).toBe(`https://open.spotify.com/track/${ROCK.spotifyId}`);
  });

  it("says privately that it sees nothing playing once the member stops", async () => {
    const listener = h.fake.member("listener-stopped");
    h.fake.updatePresence(listener, {
      trackId: ROCK.spotifyId,
      title: ROCK.title,
      artists: ROCK.artists,
      album: ROCK.title,
    });
    await presenceArrived(listener.id, true);
    h.fake.updatePresence(listener);
    await presenceArrived(listener.id, false);
    const sent = h.fake.dispatchCommand("genre", {}, { user: listener });
    const ack = await h.fake.waitForAck(sent);
    expect(ack.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(ack.data).toMatchObject({ content: `⚠️ ${inert(NOT_LISTENING)}`, flags: MessageFlags.Ephemeral });
  });

  it("Discord accepted every request body", () => {
    expect(h.fake.refused).toEqual([]);
  });
});

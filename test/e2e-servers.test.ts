import { MessageFlags } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotHarness, clipSongs, startBotHarness } from "./fakes/discord/harness.js";
import { ADMIN_PERMISSIONS, type FakeGuild, type Sender } from "./fakes/discord/index.js";

/**
 * Per-server catalogs end to end: two servers share one bot (real SQLite catalog, real model); each
 * /similar draws from its own server's tracks unless `scope: everywhere`; Manage Server members
 * /forget a track or their server's whole history.
 */

const SONGS = clipSongs(1);
const song = (genre: string) => {
  const found = SONGS.find((s) => s.genre === genre);
  if (!found) throw new Error(genre);
  return found;
};
const [ROCK, POP, CLASSICAL, ELECTRONIC] = [song("rock"), song("pop"), song("classical"), song("electronic")];
const link = (s: typeof ROCK) => `https://open.spotify.com/track/${s.spotifyId}`;

let h: BotHarness;
let second: FakeGuild;
let memberCount = 0;
const inServer = (guild?: FakeGuild, permissions?: bigint): Sender => ({
  user: h.fake.member(`member${++memberCount}`),
  guild,
  permissions,
});

async function reply(name: string, options: Record<string, string | boolean>, as: Sender) {
  return h.fake.waitForReply(h.fake.dispatchCommand(name, options, as));
}

beforeAll(async () => {
  h = await startBotHarness({ songs: SONGS });
  second = h.fake.otherGuild();
  await h.registerCommands();
  // The first server hears three tracks, the second two, one of them shared.
  for (const s of [ROCK, POP, CLASSICAL]) await reply("genre", { link: link(s) }, inServer());
  for (const s of [ROCK, ELECTRONIC]) await reply("genre", { link: link(s) }, inServer(second));
}, 180_000);

afterAll(async () => {
  await h?.close();
}, 60_000);

const listed = (description: string) =>
  [ROCK, POP, CLASSICAL, ELECTRONIC].filter((s) => description.includes(s.title)).map((s) => s.genre);

describe("two servers sharing one bot", () => {
  it("remembers which servers heard each track", async () => {
    const rock = await h.service.lookup(ROCK.spotifyId);
    expect(Object.keys(rock?.heardIn ?? {}).sort()).toEqual([h.fake.guild.id, second.id].sort());
    expect([h.service.catalogSize(h.fake.guild.id), h.service.catalogSize(second.id)]).toEqual([3, 2]);
  });

  it("/similar draws from this server's tracks only", async () => {
    const first = await reply("similar", { link: link(ROCK) }, inServer());
    const embed = first.embeds[0] as { description: string; footer: { text: string } };
    expect(listed(embed.description).sort()).toEqual(["classical", "pop"]);
    expect(embed.footer.text).toContain("3 tracks in this server's catalog");

    const other = await reply("similar", { link: link(ROCK) }, inServer(second));
    expect(other.content).toBe(
      "This server's catalog only has 1 other track so far, so I can't compare yet. Someone with Manage Server can add a playlist or album with `/index`, or try `scope: everywhere`.",
    );
  });

  it("/similar scope: everywhere uses the whole catalog", async () => {
    const everywhere = await reply("similar", { link: link(ROCK), scope: "everywhere" }, inServer(second));
    const embed = everywhere.embeds[0] as { description: string; footer: { text: string } };
    expect(listed(embed.description).sort()).toEqual(["classical", "electronic", "pop"]);
    expect(embed.footer.text).toContain("4 tracks in the whole catalog");
  });

  it("/stats: this server's track count, genre mix chart and its two most alike tracks", async () => {
    const message = await reply("stats", {}, inServer());
    const embed = message.embeds[0] as { title: string; description: string; image: { url: string } };
    expect(embed.title).toBe("What this server listens to");
    expect(embed.description).toMatch(
      /^\*\*3\*\* tracks heard here\.\nMost frequent: .+\nMost alike: .+ · \*\*\d+%\*\* similar$/,
    );
    // The closest pair is two of this server's three tracks, never the other server's.
    const { closest } = h.service.catalog.stats(h.fake.guild.id);
    expect(
      [closest?.a.id, closest?.b.id].every((id) => [ROCK, POP, CLASSICAL].some((s) => s.spotifyId === id)),
    ).toBe(true);
    expect(embed.description).toContain(closest?.a.title ?? "?");
    expect(message.attachments[0]?.filename).toBe("stats.png");
    expect([...(message.attachments[0]?.bytes.slice(0, 4) ?? [])]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it("/forget is for Manage Server members only", async () => {
    const refused = await reply("forget track", { link: link(POP) }, inServer());
    expect(refused.content).toBe("Only members with the Manage Server permission can use /forget.");
    expect(await h.service.lookup(POP.spotifyId)).toBeDefined();
  });

  it("/forget track: a shared track leaves this server but stays for the other", async () => {
    const forgotten = h.fake.dispatchCommand(
      "forget track",
      { link: link(ROCK) },
      inServer(undefined, ADMIN_PERMISSIONS),
    );
    const message = await h.fake.waitForReply(forgotten);
    expect(message.content).toBe("Forgotten by this server (other servers still have it in theirs).");
    expect(message.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    const rock = await h.service.lookup(ROCK.spotifyId);
    expect(Object.keys(rock?.heardIn ?? {})).toEqual([second.id]);
    expect(h.service.catalogSize(h.fake.guild.id)).toBe(2);
  });

  it("/forget server: the other server's whole history goes; tracks no server has left are deleted", async () => {
    const message = await reply("forget server", { confirm: true }, inServer(second, ADMIN_PERMISSIONS));
    expect(message.content).toBe(
      "Forgotten: 2 tracks. This server's catalog is empty; tracks no other server has heard were deleted.",
    );
    expect(await h.service.lookup(ROCK.spotifyId)).toBeUndefined();
    expect(await h.service.lookup(ELECTRONIC.spotifyId)).toBeUndefined();
    expect([h.service.catalogSize(h.fake.guild.id), h.service.catalogSize(second.id)]).toEqual([2, 0]);
  });

  it("Discord accepted every request body", () => {
    expect(h.fake.refused).toEqual([]);
  });
});

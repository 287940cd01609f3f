import { InteractionResponseType, PermissionFlagsBits } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotHarness, clipSongs, startBotHarness } from "./fakes/discord/harness.js";
import { ADMIN_PERMISSIONS, type StoredMessage, TOKEN_LIFETIME_MS } from "./fakes/discord/index.js";
import { emotifyClip, type FakeSong, fakeSpotifyId } from "./fakes/index.js";

/**
 * Hostile and oversized provider and member text through every reply path of the real bot,
 * against the validating fake Discord: whatever Spotify or a member sends, Discord accepts the
 * bot's answer, no link, heading or formatting from that text survives, and nobody is mentioned.
 * Fixtures (issue 10): a 300-character title, a 70-artist credit full of markdown characters, a
 * track without any preview, an album of 600 tracks.
 */

/** Every construct Discord's markdown would act on, each tagged with a word the checks look for. */
const HOSTILE = [
  "[Free Nitro here](https://evil.example/nitro) zzqx",
  "Free Nitro](https://evil.example/phish) [x",
  "<https://evil.example/auto> https://evil.example/bare",
  "**BOLD** __UNDER__ *ITAL* ~~STRIKE~~ ||SPOIL|| `CODE`",
  "<@123456789012345678> <@&123456789012345678> <#123456789012345678> @everyone @here",
  "\n# HEAD\n## HEAD\n-# SUB\n> QUOTE\n>>> QUOTE\n- LIST\n* LIST\n1. NUM",
].join(" ");

/** Looks for anything of HOSTILE that Discord would still render as markup. */
function survivingMarkup(text: string): string[] {
  // Discord shows `\x` as a plain `x`: an escaped character can't start or end anything.
  const visible = text.replace(/\\[^\sA-Za-z0-9]/g, "·");
  const rules: Array<[string, RegExp]> = [
    ["masked link", /\]\(https?:\/\/evil/],
    ["autolink", /<https?:/],
    ["bare link", /https?:\/\/evil/],
    ["heading", /^\s*#{1,3} HEAD/m],
    ["subtext", /^\s*-# SUB/m],
    ["block quote", /^\s*>{1,3} QUOTE/m],
    ["list", /^\s*([-*+]|\d+\.) (LIST|NUM)/m],
    ["emphasis", /\*\*BOLD|__UNDER|\*ITAL|~~STRIKE|\|\|SPOIL|`CODE/],
    ["mention", /<@[&!]?\d+>|<#\d+>|@(everyone|here)/],
  ];
  return rules.filter(([, rule]) => rule.test(visible)).map(([name]) => name);
}

/** Every text of a message that Discord renders as markdown. */
function markdownTexts(message: StoredMessage): string[] {
  const embeds = message.embeds as Array<{
    title?: string;
    description?: string;
    fields?: Array<{ name: string; value: string }>;
  }>;
  return [
    message.content,
    ...embeds.flatMap((e) => [
      e.title ?? "",
      e.description ?? "",
      ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
    ]),
  ];
}

function expectInert(message: StoredMessage): void {
  for (const text of markdownTexts(message)) expect(survivingMarkup(text), text).toEqual([]);
  expect(message.allowed_mentions).toEqual({ parse: [] });
}

const TITLE_300 = `${HOSTILE} `.repeat(3).slice(0, 300);
const CREDIT_70 = Array.from(
  { length: 70 },
  (_, i) => `[**Free Nitro ${i}**](https://evil.example/nitro/${i}) <@&10000000000000${i}> # ${i}`,
);
const NORMAL = clipSongs(1);
const HOSTILE_SONG: FakeSong = {
  spotifyId: fakeSpotifyId(1, "hostile"),
  title: TITLE_300,
  artists: CREDIT_70,
  album: HOSTILE,
  durationMs: 201_000,
  isrc: "TESTHOSTILE1",
  deezer: { id: 90_001, previewFile: emotifyClip("pop", 2), title: "Free Nitro", artist: "Nitro" },
};
const NO_PREVIEW_SONG: FakeSong = {
  spotifyId: fakeSpotifyId(2, "hostile"),
  title: TITLE_300,
  artists: CREDIT_70,
  durationMs: 202_000,
  isrc: "TESTHOSTILE2",
};
const ALBUM_600 = { id: fakeSpotifyId(600, "album"), name: HOSTILE, trackIds: [] as string[] };
const ALBUM_SONGS: FakeSong[] = Array.from({ length: 600 }, (_, i) => ({
  spotifyId: fakeSpotifyId(i, "six"),
  title: `Track ${i + 1} of 600`,
  artists: ["Long Album Band"],
  durationMs: 180_000 + i,
}));
ALBUM_600.trackIds = ALBUM_SONGS.map((s) => s.spotifyId);
const PLAYLIST_ID = fakeSpotifyId(7, "playlist");

let h: BotHarness;
let members = 0;
const someone = () => ({ user: h.fake.member(`m${++members}`) });
const admin = () => ({ user: h.fake.member(`admin${++members}`), permissions: ADMIN_PERMISSIONS });

beforeAll(async () => {
  h = await startBotHarness({
    songs: [...NORMAL, HOSTILE_SONG, NO_PREVIEW_SONG, ...ALBUM_SONGS],
    albums: [ALBUM_600],
    playlists: [{ id: PLAYLIST_ID, name: HOSTILE, entries: [NORMAL[0]?.spotifyId ?? ""] }],
    // No progress throttling beyond Discord's own needs: the tests wait on the job, not the clock.
    limits: { progressIntervalMs: 500 },
  });
  await h.registerCommands();
}, 120_000);

afterAll(async () => {
  await h?.close();
}, 60_000);

describe("hostile provider and member text, through every reply path", () => {
  it("/genre: a 300-character title and a 70-artist credit full of markdown give a valid, inert embed", async () => {
    const sent = h.fake.dispatchCommand(
      "genre",
      { link: `spotify:track:${HOSTILE_SONG.spotifyId}` },
      someone(),
    );
    const reply = await h.fake.waitForReply(sent);
    const [embed] = reply.embeds as Array<{ title: string; description: string }>;
    expect(embed?.title.length).toBeLessThanOrEqual(256);
    expect(embed?.title.endsWith("…")).toBe(true);
    expect(embed?.description.length).toBeLessThanOrEqual(4096);
    // The credit is cut, the answer itself always shows.
    expect(embed?.description).toMatch(/\n## [\w -]+ · \d+%/);
    expect(embed?.description).toContain("Preview audio: Deezer");
    expect(reply.attachments[0]?.description?.length ?? 0).toBeLessThanOrEqual(1024);
    expectInert(reply);
  });

  it("/genre: a track no service has a preview for gets one short, inert sentence", async () => {
    const sent = h.fake.dispatchCommand(
      "genre",
      { link: `spotify:track:${NO_PREVIEW_SONG.spotifyId}` },
      someone(),
    );
    const reply = await h.fake.waitForReply(sent);
    expect(reply.content).toMatch(/^⚠️ No preview is available for /);
    expect(reply.content).toMatch(/ and 67 more — try another version of the song\.$/);
    expect(reply.content.length).toBeLessThanOrEqual(2000);
    expectInert(reply);
  });

  it("/genre: a member's query that isn't found is quoted back inert", async () => {
    const sent = h.fake.dispatchCommand(
      "genre",
      { artist: "Nobody Qwzxv", song: HOSTILE.slice(0, 200) },
      someone(),
    );
    const reply = await h.fake.waitForReply(sent);
    expect(reply.content).toMatch(/^⚠️ I couldn.t find/);
    expectInert(reply);
  });

  it("/genre: an oversized upload with a hostile name is refused in an inert sentence", async () => {
    const sent = h.fake.dispatchCommand(
      "genre",
      {
        file: {
          filename: `${HOSTILE.slice(0, 180)}.wav`,
          bytes: new Uint8Array(10),
          size: 200 * 1024 * 1024,
        },
      },
      someone(),
    );
    const reply = await h.fake.waitForReply(sent);
    expect(reply.content).toMatch(/is 200 MB; I can listen to files up to 25 MB\.$/);
    expectInert(reply);
  });

  it("/similar: the hostile track in a neighbour list can't break out of its link", async () => {
    for (const song of NORMAL.slice(0, 3)) {
      await h.fake.waitForReply(
        h.fake.dispatchCommand("genre", { link: `spotify:track:${song.spotifyId}` }, someone()),
      );
    }
    const sent = h.fake.dispatchCommand(
      "similar",
      { link: `spotify:track:${NORMAL[3]?.spotifyId}` },
      someone(),
    );
    const reply = await h.fake.waitForReply(sent);
    const description = (reply.embeds[0] as { description: string }).description;
    expect(description).toContain("Free Nitro");
    // Each line is one link to Spotify and nothing else.
    for (const line of description.split("\n")) {
      expect(line).toMatch(/^\d+\. \[.+\]\(https:\/\/open\.spotify\.com\/track\/[A-Za-z0-9]{22}\) · /);
    }
    expectInert(reply);
    const query = h.fake.dispatchCommand(
      "similar",
      { link: `spotify:track:${HOSTILE_SONG.spotifyId}` },
      someone(),
    );
    expectInert(await h.fake.waitForReply(query));
  });

  it("autocomplete: hostile titles are offered as plain text within Discord's 100 characters", async () => {
    const typed = h.fake.dispatchAutocomplete("genre", { song: "Free Nitro" }, "song", someone());
    const choices = await h.fake.waitForChoices(typed);
    expect(choices.length).toBeGreaterThan(0);
    for (const choice of choices) {
      expect(choice.name.length).toBeLessThanOrEqual(100);
      expect(String(choice.value)).toMatch(/^https:\/\/open\.spotify\.com\/track\/[A-Za-z0-9]{22}$/);
    }
  });

  it("/index: a playlist Spotify won't show in Development Mode gets the one sentence saying what its owner can do", async () => {
    const job = h.fake.dispatchCommand(
      "index",
      { link: `https://open.spotify.com/playlist/${PLAYLIST_ID}` },
      admin(),
    );
    const summary = await h.fake.waitForChannelMessage((m) => m.content.startsWith("⚠️"), 60_000);
    expect(summary.content).toBe(
      "⚠️ Spotify only lets genrebot read playlists it may edit: the playlist's owner can make it collaborative, or you can paste an album link instead.",
    );
    expect(job.callback?.type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    expectInert(summary);
  });
});

describe("/index of a 600-track album that outlives its interaction token", () => {
  it("posts progress and the summary as a channel message, which Discord still accepts after 15 minutes", async () => {
    const before = h.fake.channelMessages.length;
    const job = h.fake.dispatchCommand("index", { link: `spotify:album:${ALBUM_600.id}` }, admin());
    const started = await h.fake.waitForReply(job);
    expect(started.content).toMatch(
      /^Indexing — progress and the summary follow in a message in this channel/,
    );
    // The job is under way in its channel message; then the interaction token's 15 minutes pass.
    await h.fake.waitForChannelMessage((m) => h.fake.channelMessages.indexOf(m) >= before, 60_000);
    h.fake.clock.advance(TOKEN_LIFETIME_MS + 60_000);
    const summary = await h.fake.waitForChannelMessage(
      (m) => h.fake.channelMessages.indexOf(m) >= before && m.content.startsWith("Done"),
      240_000,
    );
    expect(summary.content).toMatch(
      /^Done: 600\/600 tracks — 0 newly indexed, 0 already there, 600 without preview, 0 failed\./,
    );
    expectInert(summary);
    // Spotify was read 50 at a time: the album and 11 more pages.
    const pages = h.internet.calls.filter((c) => c.url.pathname.startsWith(`/v1/albums/${ALBUM_600.id}`));
    expect(pages).toHaveLength(12);
    expect(h.fake.refused).toEqual([]);
  }, 300_000);

  it("without Send Messages, the reply itself says what a longer job needs", async () => {
    h.fake.botPermissions = ADMIN_PERMISSIONS & ~PermissionFlagsBits.SendMessages;
    try {
      const job = h.fake.dispatchCommand(
        "index",
        { link: `https://open.spotify.com/playlist/${PLAYLIST_ID}` },
        admin(),
      );
      const reply = await h.fake.waitForReply(job, (m) => m.content.startsWith("⚠️"), 60_000);
      expect(reply.content).toContain("give me Send Messages in this channel");
      expectInert(reply);
    } finally {
      h.fake.botPermissions = ADMIN_PERMISSIONS;
    }
  });
});

describe("conformance", () => {
  it("Discord would have accepted every request the bot made", () => {
    expect(h.fake.refused).toEqual([]);
  });
});

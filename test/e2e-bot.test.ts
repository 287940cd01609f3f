import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import {
  ButtonStyle,
  ComponentType,
  InteractionResponseType,
  MessageFlags,
  PermissionFlagsBits,
} from "discord.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type Analysis, analyzeAudio } from "../src/classifier/index.js";
import { COMMANDS } from "../src/commands/index.js";
import { startBot } from "../src/discord/bot.js";
import { genreLabel } from "../src/discord/charts/genre-colors.js";
import { UserFacingError } from "../src/errors.js";
import { type BotHarness, clipSongs, SILENT_SONG, startBotHarness } from "./fakes/discord/harness.js";
import { ADMIN_PERMISSIONS, type FakeInteraction } from "./fakes/discord/index.js";
import { fakeSpotifyId } from "./fakes/index.js";

/**
 * The bot end to end, as a member sees it: real discord.js client, real TrackService (real model
 * in the analyzer pool, real SQLite catalog), fake Discord / Spotify / Deezer on loopback serving
 * real clips from ../shared/data. Assertions are on what Discord received from the bot.
 */

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const SONGS = clipSongs(3);
const [ROCK, POP, CLASSICAL, ELECTRONIC] = ["rock", "pop", "classical", "electronic"].map((genre) => {
  const song = SONGS.find((s) => s.genre === genre);
  if (!song) throw new Error(genre);
  return song;
}) as [(typeof SONGS)[0], (typeof SONGS)[0], (typeof SONGS)[0], (typeof SONGS)[0]];
const PLAYLIST_ID = fakeSpotifyId(1, "playlist");
const PLAYLIST_SONGS = SONGS.filter((s) => s !== ROCK).slice(0, 8);
// The rest of the harness limits are the production defaults; these make the "busy" case reachable.
const LIMITS = { maxRunning: 2, maxWaiting: 18, progressIntervalMs: 2_000 };

let h: BotHarness;
let memberCount = 0;
/** A new member per request, so cooldowns only apply where a test means them to. */
const someone = () => ({ user: h.fake.member(`member${++memberCount}`) });

beforeAll(async () => {
  h = await startBotHarness({
    songs: [...SONGS, SILENT_SONG],
    playlists: [
      {
        id: PLAYLIST_ID,
        name: "Listening Room Favourites",
        entries: [...PLAYLIST_SONGS.map((s) => s.spotifyId), SILENT_SONG.spotifyId],
      },
    ],
    limits: LIMITS,
    extendedQuota: true,
  });
  await h.registerCommands();
}, 120_000);

// Acknowledgement latency is measured in `npm run bench bot`, not printed here.
afterAll(async () => {
  await h?.close();
}, 60_000);

async function acked(interaction: FakeInteraction): Promise<InteractionResponseType> {
  const callback = await h.fake.waitForAck(interaction);
  return callback.type;
}

/** What the model itself says about a clip, computed here independently of the bot. */
async function expectedAnalysis(clip: string): Promise<Analysis> {
  return analyzeAudio(new Uint8Array(readFileSync(clip)), { modelDir: h.modelDir });
}

describe("registration", () => {
  it("registers /genre, /similar, /index, /forget, /help and the message menus in the guild, /index and /forget for Manage Server only", () => {
    const commands = h.fake.commands.guild.get(h.fake.guild.id) as Array<{
      name: string;
      default_member_permissions: string | null;
      options?: Array<{ name: string; autocomplete?: boolean }>;
    }>;
    expect(commands.map((c) => c.name).sort()).toEqual([
      "Genre of this track",
      "Genre of this track (only me)",
      "Similar tracks",
      "Similar tracks (only me)",
      "forget",
      "genre",
      "help",
      "index",
      "similar",
      "stats",
    ]);
    for (const name of ["index", "forget"]) {
      const command = commands.find((c) => c.name === name);
      expect(command?.default_member_permissions).toBe(PermissionFlagsBits.ManageGuild.toString());
    }
    const song = commands.find((c) => c.name === "genre")?.options?.find((o) => o.name === "song");
    expect(song?.autocomplete).toBe(true);
  });
});

describe("/similar on a new bot", () => {
  it("indexes the track, then says the catalog is too small and suggests /index", async () => {
    expect(h.service.catalogSize()).toBe(0);
    const sent = h.fake.dispatchCommand("similar", { link: ELECTRONIC.spotifyId }, someone());
    expect(await acked(sent)).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const reply = await h.fake.waitForReply(sent);
    expect(reply.content).toBe(
      "This server's catalog only has 0 other tracks so far, so I can't compare yet. Someone with Manage Server can add a playlist or album with `/index`, or try `scope: everywhere`.",
    );
    expect(h.service.catalogSize()).toBe(1);
  });
});

describe("/genre", () => {
  it("defers, then shows the genre of the real clip with a PNG chart, the preview source and buttons", async () => {
    const expected = await expectedAnalysis(ROCK.clip);
    const top = expected.genres[0];
    const sent = h.fake.dispatchCommand("genre", { artist: ROCK.artists[0], song: ROCK.title }, someone());
    expect(await acked(sent)).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const reply = await h.fake.waitForReply(sent);

    const embed = reply.embeds[0] as {
      title: string;
      url: string;
      description: string;
      footer: { text: string };
      image: { url: string };
    };
    expect(embed.title).toBe(ROCK.title);
    expect(embed.url).toBe(`https://open.spotify.com/track/${ROCK.spotifyId}`);
    expect(embed.description).toContain(
      `## ${genreLabel(top?.genre ?? "")} · ${Math.round((top?.probability ?? 0) * 100)}%`,
    );
    expect(embed.description).toContain("Preview audio: Deezer");
    // musicnn's likeliest tags for the clip, those that clear 10 %.
    const tags = expected.tags.filter((t) => t.probability >= 0.1).slice(0, 3);
    expect(tags.length).toBeGreaterThan(0);
    expect(embed.description).toContain(`Sounds like: ${tags.map((t) => t.tag).join(" · ")}`);
    expect(embed.footer.text).toBe(`Model ${h.service.modelVersion}`);

    const [chart] = reply.attachments;
    expect(chart?.filename).toBe("genre.png");
    expect([...(chart?.bytes.subarray(0, 8) ?? [])]).toEqual(PNG_SIGNATURE);
    expect(embed.image.url).toBe(chart?.url);

    const buttons = reply.components.flatMap((row) => row.components as Array<Record<string, unknown>>);
    expect(buttons).toEqual([
      expect.objectContaining({
        type: ComponentType.Button,
        custom_id: `similar:${ROCK.spotifyId}`,
        label: "Similar tracks",
      }),
      expect.objectContaining({ style: ButtonStyle.Link, url: embed.url }),
    ]);
    expect(reply.allowed_mentions).toEqual({ parse: [] });
    expect(h.service.catalogSize()).toBeGreaterThanOrEqual(2);
  });

  it("answers privately (ephemeral) when asked, for a Spotify link", async () => {
    const sent = h.fake.dispatchCommand(
      "genre",
      { link: `https://open.spotify.com/track/${POP.spotifyId}?si=abc`, private: true },
      someone(),
    );
    await acked(sent);
    expect(sent.callback?.data?.flags).toBe(MessageFlags.Ephemeral);
    const reply = await h.fake.waitForReply(sent);
    expect(reply.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect((reply.embeds[0] as { title: string }).title).toBe(POP.title);
  });

  it("classifies a member's own upload from Discord's CDN: no Spotify button, but Similar tracks from the catalog", async () => {
    const expected = await expectedAnalysis(CLASSICAL.clip);
    const bytes = new Uint8Array(readFileSync(CLASSICAL.clip));
    const sent = h.fake.dispatchCommand(
      "genre",
      { file: { filename: "my recording.mp3", bytes, contentType: "audio/mpeg" } },
      someone(),
    );
    const reply = await h.fake.waitForReply(sent);
    const embed = reply.embeds[0] as { title: string; description: string; url?: string };
    expect(embed.title).toBe("my recording");
    expect(embed.url).toBeUndefined();
    expect(embed.description).toContain(`## ${genreLabel(expected.genres[0]?.genre ?? "")}`);
    expect(embed.description).toContain("Preview audio: your upload");
    const buttons = reply.components.flatMap(
      (row) => row.components as Array<{ custom_id?: string; url?: string }>,
    );
    expect(buttons).toHaveLength(1);
    expect(buttons[0]?.custom_id).toMatch(/^similar:file:[0-9a-f]{24}$/);
    expect(buttons[0]?.url).toBeUndefined();
  });

  it("escapes markdown from a member's file name and never pings", async () => {
    const bytes = new Uint8Array(readFileSync(ELECTRONIC.clip));
    const sent = h.fake.dispatchCommand(
      "genre",
      { file: { filename: "**@everyone** [click](https:__x).mp3", bytes, contentType: "audio/mpeg" } },
      someone(),
    );
    const reply = await h.fake.waitForReply(sent);
    const title = (reply.embeds[0] as { title: string }).title;
    expect(title).toContain("\\*\\*@\u200beveryone\\*\\*");
    // The masked link can't form: both brackets are escaped.
    expect(title).toContain("\\[click\\]");
    expect(reply.allowed_mentions).toEqual({ parse: [] });
  });

  it("offers at most 25 Spotify suggestions, each a track link, without deferring", async () => {
    const typed = h.fake.dispatchAutocomplete(
      "genre",
      { artist: "The Lanterns", song: "Rock Song" },
      "song",
      someone(),
    );
    const choices = await h.fake.waitForChoices(typed);
    expect(typed.callback?.type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.length).toBeLessThanOrEqual(25);
    for (const choice of choices) {
      expect(choice.name.length).toBeLessThanOrEqual(100);
      expect(choice.value).toMatch(/^https:\/\/open\.spotify\.com\/track\/[A-Za-z0-9]{22}$/);
    }
    expect(choices.map((c) => c.name)).toContain(`${ROCK.title} — ${ROCK.artists[0]}`);

    // Picking a suggestion sends its link as the song: that exact track is analysed.
    const picked = h.fake.dispatchCommand("genre", { song: String(choices[0]?.value) }, someone());
    const reply = await h.fake.waitForReply(picked);
    expect((reply.embeds[0] as { url: string }).url).toBe(choices[0]?.value);
  });

  it("tells the member kindly when no service has a preview", async () => {
    const sent = h.fake.dispatchCommand(
      "genre",
      { link: `spotify:track:${SILENT_SONG.spotifyId}` },
      someone(),
    );
    const reply = await h.fake.waitForReply(sent);
    expect(reply.content).toMatch(/^⚠️ /);
    expect(reply.content).toMatch(/preview/i);
    expect(reply.content).not.toMatch(/Error|at .*\.ts/);
    expect(reply.embeds).toEqual([]);
  });

  it("tells the member when the song can't be found", async () => {
    const sent = h.fake.dispatchCommand("genre", { artist: "Nobody At All", song: "Qwzxv Zzyzx" }, someone());
    const reply = await h.fake.waitForReply(sent);
    expect(reply.content).toMatch(/^⚠️ .*couldn.t find/i);
  });

  it("refuses a non-audio upload before downloading it", async () => {
    const sent = h.fake.dispatchCommand(
      "genre",
      {
        file: {
          filename: "notes.txt",
          bytes: new TextEncoder().encode("not a song"),
          contentType: "text/plain",
        },
      },
      someone(),
    );
    const reply = await h.fake.waitForReply(sent);
    expect(sent.callback?.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(reply.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(reply.content).toMatch(/doesn't look like audio/);
  });

  it("explains a corrupt file that claims to be audio", async () => {
    const garbage = new Uint8Array(64 * 1024).map((_, i) => (i * 7919) % 251);
    const sent = h.fake.dispatchCommand(
      "genre",
      { file: { filename: "broken.mp3", bytes: garbage, contentType: "audio/mpeg" } },
      someone(),
    );
    const reply = await h.fake.waitForReply(sent);
    expect(reply.content).toMatch(/^⚠️ /);
    expect(reply.content).not.toMatch(/Something went wrong on our side/);
  });

  it("refuses an oversized upload by its declared size, and a file hosted outside Discord", async () => {
    const big = h.fake.dispatchCommand(
      "genre",
      {
        file: {
          filename: "long.wav",
          bytes: new Uint8Array(10),
          size: 200 * 1024 * 1024,
          contentType: "audio/wav",
        },
      },
      someone(),
    );
    expect((await h.fake.waitForReply(big)).content).toBe(
      "⚠️ “long.wav” is 200 MB; I can listen to files up to 25 MB.",
    );

    const elsewhere = h.fake.dispatchCommand(
      "genre",
      {
        file: {
          filename: "x.mp3",
          bytes: new Uint8Array(10),
          contentType: "audio/mpeg",
          url: "https://evil.example/x.mp3",
        },
      },
      someone(),
    );
    expect((await h.fake.waitForReply(elsewhere)).content).toMatch(/only download files uploaded to Discord/);
  });

  it("puts a member on cooldown after a request", async () => {
    const member = someone();
    const first = h.fake.dispatchCommand("genre", { link: `spotify:track:${ROCK.spotifyId}` }, member);
    await h.fake.waitForReply(first);
    const second = h.fake.dispatchCommand("genre", { link: `spotify:track:${ROCK.spotifyId}` }, member);
    const reply = await h.fake.waitForReply(second);
    expect(second.callback?.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(reply.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(reply.content).toMatch(/^You can use \/genre again <t:\d+:R>\.$/);
  });
});

describe("/similar", () => {
  it("/index: refuses members without Manage Server", async () => {
    const sent = h.fake.dispatchCommand(
      "index",
      { link: `https://open.spotify.com/playlist/${PLAYLIST_ID}` },
      someone(),
    );
    const reply = await h.fake.waitForReply(sent);
    expect(reply.content).toMatch(/Manage Server/);
    expect(reply.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
  });

  it("/index: one progress message, edited, ending in a summary; one job per server", async () => {
    const admin = { user: h.fake.member("admin"), permissions: ADMIN_PERMISSIONS };
    const link = `https://open.spotify.com/playlist/${PLAYLIST_ID}`;
    const job = h.fake.dispatchCommand("index", { link }, admin);
    expect(await acked(job)).toBe(InteractionResponseType.DeferredChannelMessageWithSource);

    const again = h.fake.dispatchCommand("index", { link }, { ...admin, user: h.fake.member("admin2") });
    expect((await h.fake.waitForReply(again)).content).toBe(
      "An index job is already running in this server — wait for it to finish.",
    );

    // Progress goes to a channel message: the reply could only be edited for 15 minutes.
    expect((await h.fake.waitForReply(job)).content).toMatch(/^Indexing — progress and the summary follow/);
    const summary = await h.fake.waitForChannelMessage((m) => m.content.startsWith("Done"), 170_000);
    const total = PLAYLIST_SONGS.length + 1;
    expect(summary.content).toMatch(
      new RegExp(
        `^Done: ${total}/${total} tracks — \\d+ newly indexed, \\d+ already there, 1 without preview, 0 failed\\.`,
      ),
    );
    expect(job.followUps).toEqual([]);
    expect(job.edits).toHaveLength(1);
    expect(summary.allowed_mentions).toEqual({ parse: [] });
    expect(h.fake.channelMessages).toHaveLength(1);
    const progress = h.fake.channelHistory.map((m) => m.content).filter((c) => c.startsWith("Indexed"));
    expect(progress.length).toBeGreaterThan(0);
    for (const line of progress)
      expect(line).toMatch(/^Indexed \d+\/\d+( · \d+ without preview)?( · \d+ failed)?$/);
    expect(h.service.catalogSize()).toBeGreaterThanOrEqual(PLAYLIST_SONGS.length);
  }, 180_000);

  it("lists up to 10 neighbours with genre, similarity and Spotify links", async () => {
    const sent = h.fake.dispatchCommand("similar", { artist: ROCK.artists[0], song: ROCK.title }, someone());
    const reply = await h.fake.waitForReply(sent);
    const embed = reply.embeds[0] as { title: string; description: string };
    expect(embed.title).toBe(`Sounds like ${ROCK.title}`);
    const lines = embed.description.split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.length).toBeLessThanOrEqual(10);
    // Spotify tracks are linked; members' uploads (also in the catalog) are listed by name.
    const parsed = lines.map((line) => {
      const match = /^\d+\. (.+) · [\w-]+ · \*\*(\d+)%\*\* similar$/.exec(line);
      expect(match, line).not.toBeNull();
      return { name: match?.[1] ?? "", percent: Number(match?.[2]) };
    });
    const linked = parsed.filter((p) =>
      /^\[.+\]\(https:\/\/open\.spotify\.com\/track\/[A-Za-z0-9]{22}\)$/.test(p.name),
    );
    expect(linked.length).toBeGreaterThanOrEqual(2);
    const percents = parsed.map((p) => p.percent);
    expect(percents).toEqual([...percents].sort((a, b) => b - a));
    expect(embed.description).not.toContain(ROCK.spotifyId);
  });

  it("the Similar tracks button under a /genre answer lists neighbours of that track", async () => {
    const asked = h.fake.dispatchCommand("genre", { link: `spotify:track:${POP.spotifyId}` }, someone());
    const answer = await h.fake.waitForReply(asked);
    const click = h.fake.clickButton(answer, `similar:${POP.spotifyId}`, someone());
    expect(await acked(click)).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const reply = await h.fake.waitForReply(click);
    const embed = reply.embeds[0] as { title: string; description: string };
    expect(embed.title).toBe(`Sounds like ${POP.title}`);
    expect(embed.description).toMatch(/^1\. \[/);
  });

  it("the Similar tracks button under an upload finds the upload in the catalog by its content hash", async () => {
    const bytes = new Uint8Array(readFileSync(ELECTRONIC.clip));
    const asked = h.fake.dispatchCommand(
      "genre",
      { file: { filename: "late night set.mp3", bytes, contentType: "audio/mpeg" } },
      someone(),
    );
    const answer = await h.fake.waitForReply(asked);
    const [row] = answer.components as Array<{ components: Array<{ custom_id?: string }> }>;
    const customId = row?.components[0]?.custom_id ?? "";
    expect(customId).toMatch(/^similar:file:/);
    const click = h.fake.clickButton(answer, customId, someone());
    const reply = await h.fake.waitForReply(click);
    const embed = reply.embeds[0] as { title: string; description: string };
    expect(embed.title).toBe("Sounds like late night set");
    expect(embed.description).toMatch(/^1\. /);
  });
});

describe("load", () => {
  it("acknowledges 20 concurrent /genre requests, answers them all, and turns the 21st away", async () => {
    const songs = [ROCK, POP, CLASSICAL, ELECTRONIC];
    // All 21 go out back to back: the first 20 fill the queue (2 running + 18 waiting) long
    // before any analysis can finish, so the 21st is turned away at once.
    const sent = Array.from({ length: 20 }, (_, i) =>
      h.fake.dispatchCommand(
        "genre",
        { link: `spotify:track:${songs[i % songs.length]?.spotifyId}` },
        someone(),
      ),
    );
    const overflow = h.fake.dispatchCommand("genre", { link: `spotify:track:${ROCK.spotifyId}` }, someone());
    const types = await Promise.all(sent.map(acked));
    expect(types).toEqual(Array(20).fill(InteractionResponseType.DeferredChannelMessageWithSource));
    const refusal = await h.fake.waitForReply(overflow);
    expect(overflow.callback?.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(refusal.content).toBe("I'm busy with 20 songs right now — try again in a minute.");

    const replies = await Promise.all(sent.map((s) => h.fake.waitForReply(s, () => true, 280_000)));
    for (const reply of replies) expect(reply.attachments[0]?.filename).toBe("genre.png");
  }, 300_000);
});

describe("conformance", () => {
  it("Discord would have accepted every request the bot made (schemas, limits, deadlines)", () => {
    expect(h.fake.requests.length).toBeGreaterThan(50);
    expect(h.fake.refused).toEqual([]);
  });
});

describe("startBot failures", () => {
  it("fails with a clear message, in bounded time, when Discord can't be reached", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const attempt = startBot({
      commands: COMMANDS,
      config: { discord: { token: "x.y.z", clientId: "1", guildId: undefined } },
      service: h.service,
      logger: h.logger,
      clientOptions: { rest: { api: `http://127.0.0.1:${closedPort}/api` } },
      handleSignals: false,
      loginTimeoutMs: 20_000,
    });
    await expect(attempt).rejects.toBeInstanceOf(UserFacingError);
    await expect(attempt).rejects.toThrow(
      /^Couldn't reach Discord \(.*ECONNREFUSED.*\) — check your network and DISCORD_TOKEN\.$/,
    );
  });

  it("says the token was rejected when Discord answers 401", async () => {
    const attempt = startBot({
      commands: COMMANDS,
      config: { discord: { token: "wrong-token", clientId: h.fake.applicationId, guildId: undefined } },
      service: h.service,
      logger: h.logger,
      clientOptions: h.fake.clientOptions,
      handleSignals: false,
    });
    await expect(attempt).rejects.toThrow(
      /^Discord rejected DISCORD_TOKEN — reset it in the developer portal/,
    );
  });
});

describe("shutdown", () => {
  it("finishes in-flight answers, tells newcomers it is restarting, then disconnects", async () => {
    const inFlight = h.fake.dispatchCommand(
      "genre",
      { link: `spotify:track:${CLASSICAL.spotifyId}` },
      someone(),
    );
    await acked(inFlight);
    const stopped = h.bot.stop();
    const late = h.fake.dispatchCommand("genre", { link: `spotify:track:${ROCK.spotifyId}` }, someone());
    const lateReply = await h.fake.waitForReply(late);
    expect(lateReply.content).toBe("I'm restarting — try again in a moment.");
    expect(lateReply.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    await stopped;
    expect(inFlight.original?.embeds).toHaveLength(1);
    expect(inFlight.original?.attachments[0]?.filename).toBe("genre.png");
    await vi.waitFor(() => expect(h.fake.gateway.readySessions).toBe(0));
  }, 180_000);
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotHarness, clipSongs, startBotHarness } from "./fakes/discord/harness.js";
import { ADMIN_PERMISSIONS } from "./fakes/discord/index.js";
import { type PrivateRedis, startPrivateRedis } from "./helpers/redis.js";

/**
 * The bot on a shared Redis catalog (as sharded deployments run it) when Redis goes away: members
 * still get their answer, told it wasn't saved, instead of an error.
 */

const SONGS = clipSongs(1);
const [FIRST, SECOND, THIRD, FOURTH] = SONGS;
const PLAYLIST_ID = "37i9dQZF1DXcBWIGoYBM5M";
let redis: PrivateRedis;
let h: BotHarness;

beforeAll(async () => {
  redis = await startPrivateRedis();
  h = await startBotHarness({
    songs: SONGS,
    storeUrl: redis.url,
    playlists: [
      { id: PLAYLIST_ID, name: "Store Outage", entries: [THIRD?.spotifyId ?? "", FOURTH?.spotifyId ?? ""] },
    ],
    extendedQuota: true,
  });
  await h.registerCommands();
}, 120_000);

afterAll(async () => {
  await h?.close();
  await redis?.dispose();
}, 60_000);

type Embed = { title: string; footer: { text: string } };

describe("/genre while the catalog store is down", () => {
  it("answers with the chart and says the result was not saved", async () => {
    const before = h.fake.dispatchCommand(
      "genre",
      { link: `spotify:track:${FIRST?.spotifyId}` },
      { user: h.fake.member("a") },
    );
    const saved = await h.fake.waitForReply(before);
    expect((saved.embeds[0] as Embed).footer.text).toBe(`Model ${h.service.modelVersion}`);
    expect(h.service.catalogSize()).toBe(1);

    await redis.stop();
    const during = h.fake.dispatchCommand(
      "genre",
      { link: `spotify:track:${SECOND?.spotifyId}` },
      { user: h.fake.member("b") },
    );
    const reply = await h.fake.waitForReply(during);
    const embed = reply.embeds[0] as Embed;
    expect(embed.title).toBe(SECOND?.title);
    expect(embed.footer.text).toBe(
      `Model ${h.service.modelVersion} · not saved to the catalog (storage is down)`,
    );
    expect(reply.attachments[0]?.filename).toBe("genre.png");
  });
});

describe("/index while the catalog store is down (issue 9, item 6)", () => {
  it("counts nothing as indexed that the store did not confirm, and says so in the channel", async () => {
    await redis.stop(); // already down after the test above when run in order; idempotent
    const admin = { user: h.fake.member("admin"), permissions: ADMIN_PERMISSIONS };
    h.fake.dispatchCommand("index", { link: `https://open.spotify.com/playlist/${PLAYLIST_ID}` }, admin);
    const summary = await h.fake.waitForChannelMessage((m) => m.content.startsWith("Done"), 170_000);
    expect(summary.content).toMatch(
      /^Done: 2\/2 tracks — 0 newly indexed, 0 already there, 0 without preview, 0 failed\./,
    );
    expect(summary.content).toContain(
      "2 not saved: the catalog store did not answer — run the same command again to resume.",
    );
  }, 200_000);
});

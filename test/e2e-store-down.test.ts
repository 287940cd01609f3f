import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BotHarness, clipSongs, startBotHarness } from "./fakes/discord/harness.js";
import { type PrivateRedis, startPrivateRedis } from "./helpers/redis.js";

/**
 * The bot on a shared Redis catalog (as sharded deployments run it) when Redis goes away: members
 * still get their answer, told it wasn't saved, instead of an error.
 */

const SONGS = clipSongs(1);
const [FIRST, SECOND] = SONGS;
let redis: PrivateRedis;
let h: BotHarness;

beforeAll(async () => {
  redis = await startPrivateRedis();
  h = await startBotHarness({ songs: SONGS, storeUrl: redis.url });
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

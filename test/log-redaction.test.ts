import { Writable } from "node:stream";
import { DiscordAPIError, HTTPError } from "discord.js";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/log.js";

/**
 * Issue 9, item 12: an interaction token (valid 15 minutes, enough to post as the bot in that
 * channel) must never reach a log line, whether it travels in an error's url, its message, its
 * stack or any field logged beside it.
 */
const TOKEN = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OnNlY3JldC10b2tlbi12YWx1ZQ";
const APP = "123456789012345678";
const WEBHOOK_URL = `https://discord.com/api/v10/webhooks/${APP}/${TOKEN}/messages/@original`;
const CALLBACK_URL = `https://discord.com/api/v10/interactions/987654321098765432/${TOKEN}/callback`;

function capture(): { logger: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger("debug", stream), lines };
}

describe("no token reaches the log (item 12)", () => {
  it("a failed editReply (discord.js's own DiscordAPIError and HTTPError) is logged without its token", () => {
    const { logger, lines } = capture();
    const apiError = new DiscordAPIError(
      { code: 10015, message: "Unknown Webhook" },
      10015,
      404,
      "PATCH",
      WEBHOOK_URL,
      { body: { content: "hi" }, files: undefined },
    );
    logger.warn({ err: apiError }, "/genre: editReply failed");
    logger.warn(
      { err: new HTTPError(500, "Internal Server Error", "POST", CALLBACK_URL, { body: {} }) },
      "reply failed",
    );
    logger.error(
      { url: WEBHOOK_URL, detail: `PATCH ${WEBHOOK_URL} failed` },
      `request to ${CALLBACK_URL} failed`,
    );
    logger.warn({ err: new Error(`fetch ${WEBHOOK_URL}: socket hang up`) }, "edit failed");
    const text = lines.join("");
    expect(lines).toHaveLength(4);
    expect(text).not.toContain(TOKEN);
    expect(text).toContain(`/webhooks/${APP}/[redacted]/messages/@original`);
    expect(text).toContain("/interactions/987654321098765432/[redacted]/callback");
  });

  it("passwords in store URLs and bot or bearer tokens quoted in messages are masked too", () => {
    const { logger, lines } = capture();
    logger.warn({ url: "redis://default:hunter2-password@redis.internal:6379" }, "catalog store unreachable");
    logger.warn(`request failed with Authorization: Bot ${TOKEN}`);
    logger.warn(`spotify said no to Bearer ${TOKEN}`);
    const text = lines.join("");
    expect(text).not.toContain("hunter2-password");
    expect(text).not.toContain(TOKEN);
    expect(text).toContain("redis://[redacted]@redis.internal:6379");
  });
});

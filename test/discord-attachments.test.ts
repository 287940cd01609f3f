import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import net, { type AddressInfo } from "node:net";
import path from "node:path";
import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadAttachment } from "../src/discord/attachments.js";
import { UserFacingError } from "../src/errors.js";
import { MAX_PREVIEW_BYTES } from "../src/http/index.js";

/**
 * Members' uploads go through the one downloader (fetchAudio) with Discord's CDN as the provider.
 * A loopback server stands in for cdn.discordapp.com; the URLs keep their real host so the
 * allow-list is exercised as in production.
 */

const clip = readFileSync(
  path.resolve(import.meta.dirname, "../../shared/data/gtzan/audio/pop/pop.00000.wav"),
);
/** Larger than a preview may be, smaller than a member may upload: real audio repeated past 5 MB. */
const longRecording = Buffer.concat(
  Array.from({ length: Math.ceil((6 * 1024 * 1024) / clip.length) }, () => clip),
);
const UPLOAD_LIMIT = 25 * 1024 * 1024;

let server: Server;
let dispatcher: Agent;
const requested: string[] = [];
let streamedBeforeHangUp = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    requested.push(req.url ?? "");
    if (req.url === "/attachments/1/2/long.wav") {
      res.writeHead(200, { "content-type": "audio/wav", "content-length": longRecording.length });
      res.end(longRecording);
    } else if (req.url === "/attachments/1/3/endless.wav") {
      // Claims nothing about its length and never stops: only the cap ends it.
      res.writeHead(200, { "content-type": "audio/wav" });
      const pump = (): void => {
        while (!res.destroyed && res.write(clip)) streamedBeforeHangUp += clip.length;
        if (!res.destroyed) res.once("drain", pump);
      };
      pump();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  dispatcher = new Agent({
    connect: (_options, callback) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => callback(null, socket));
      socket.once("error", (error) => callback(error, null));
    },
  });
});

afterAll(async () => {
  await dispatcher.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const limits = () => ({ maxBytes: UPLOAD_LIMIT, timeoutMs: 20_000, dispatcher });

/** The download fails with a message for the member: a UserFacingError with this code and text. */
async function expectRefusal(download: Promise<unknown>, code: string, message: string): Promise<void> {
  await expect(download).rejects.toBeInstanceOf(UserFacingError);
  await expect(download).rejects.toMatchObject({ code, message });
}

describe("downloadAttachment", () => {
  it("downloads an upload larger than the preview cap, up to the bot's upload limit", async () => {
    expect(longRecording.length).toBeGreaterThan(MAX_PREVIEW_BYTES);
    const bytes = await downloadAttachment(
      {
        url: "https://cdn.discordapp.com/attachments/1/2/long.wav",
        size: longRecording.length,
        name: "long.wav",
        contentType: "audio/wav",
      },
      limits(),
    );
    expect(Buffer.from(bytes).equals(longRecording)).toBe(true);
  });

  it("cuts off a body that outgrows its declared size, in the member's words", async () => {
    await expectRefusal(
      downloadAttachment(
        {
          url: "https://media.discordapp.net/attachments/1/3/endless.wav",
          size: clip.length,
          name: "endless.wav",
          contentType: "audio/wav",
        },
        { ...limits(), maxBytes: 4 * 1024 * 1024 },
      ),
      "file-too-large",
      "“endless.wav” is bigger than 4.0 MB, the most I can listen to.",
    );
    expect(streamedBeforeHangUp).toBeLessThan(8 * 1024 * 1024);
  });

  it("refuses a URL outside Discord's CDN, or plain HTTP, without connecting", async () => {
    const before = requested.length;
    for (const url of [
      "https://evil.example/attachments/1/2/long.wav",
      "https://cdn.discordapp.com.evil.example/attachments/1/2/long.wav",
      "http://cdn.discordapp.com/attachments/1/2/long.wav",
    ]) {
      await expectRefusal(
        downloadAttachment({ url, size: 10, name: "x.wav", contentType: "audio/wav" }, limits()),
        "attachment-host",
        "I only download files uploaded to Discord itself.",
      );
    }
    expect(requested.length).toBe(before);
  });

  it("says the download failed when the CDN has no such file", async () => {
    await expectRefusal(
      downloadAttachment(
        {
          url: "https://cdn.discordapp.com/attachments/1/9/gone.mp3",
          size: 10,
          name: "gone.mp3",
          contentType: "audio/mpeg",
        },
        limits(),
      ),
      "attachment-download",
      "I couldn't download “gone.mp3” from Discord. Try again?",
    );
  });
});

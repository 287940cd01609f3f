import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchAudio, fetchJson, isAllowedHost, MAX_PREVIEW_BYTES } from "../src/http/index.js";
import { parseRetryAfter } from "../src/http/retry.js";
import { emotifyClip, type FakeInternet, startFakeInternet } from "./fakes/index.js";
import { failure } from "./helpers/failure.js";

let internet: FakeInternet;
/** Fast retries: the tests are about outcomes, not waiting. */
let http: { dispatcher: FakeInternet["dispatcher"]; retry: { baseDelayMs: number } };

/** A fresh signed Deezer preview URL, as the API hands them out. */
async function deezerPreviewUrl(): Promise<string> {
  const track = (await fetchJson("https://api.deezer.com/track/1001", "deezer", http)) as { preview: string };
  return track.preview;
}

beforeAll(async () => {
  internet = await startFakeInternet({
    songs: [
      {
        spotifyId: "1".repeat(22),
        title: "Lantern",
        artists: ["Ada Moss"],
        durationMs: 201_000,
        deezer: { id: 1001, previewFile: emotifyClip("pop", 7) },
      },
    ],
  });
  http = { dispatcher: internet.dispatcher, retry: { baseDelayMs: 10 } };
});

afterAll(async () => {
  await internet.close();
});

describe("allow-list", () => {
  it("lists the real preview and API hosts and nothing look-alike", () => {
    expect(isAllowedHost("spotify", "audio", "p.scdn.co")).toBe(true);
    expect(isAllowedHost("deezer", "audio", "cdnt-preview.dzcdn.net")).toBe(true);
    expect(isAllowedHost("deezer", "audio", "cdns-preview-d.dzcdn.net")).toBe(true);
    expect(isAllowedHost("itunes", "audio", "audio-ssl.itunes.apple.com")).toBe(true);
    expect(isAllowedHost("deezer", "api", "api.deezer.com")).toBe(true);
    expect(isAllowedHost("deezer", "audio", "cdnt-preview.dzcdn.net.evil.example")).toBe(false);
    expect(isAllowedHost("deezer", "audio", "evildzcdn.net")).toBe(false);
    expect(isAllowedHost("deezer", "audio", "api.deezer.com")).toBe(false);
    expect(isAllowedHost("spotify", "audio", "cdnt-preview.dzcdn.net")).toBe(false);
  });

  it("lists Discord's CDN for members' uploads only", () => {
    expect(isAllowedHost("discord", "audio", "cdn.discordapp.com")).toBe(true);
    expect(isAllowedHost("discord", "audio", "media.discordapp.net")).toBe(true);
    expect(isAllowedHost("discord", "api", "discord.com")).toBe(false);
    for (const provider of ["spotify", "deezer", "itunes"] as const) {
      expect(isAllowedHost(provider, "audio", "cdn.discordapp.com"), provider).toBe(false);
    }
  });

  it("refuses plain HTTP and unlisted hosts before connecting", async () => {
    const before = internet.calls.length;
    expect((await failure(fetchAudio("http://cdnt-preview.dzcdn.net/a.mp3", "deezer", http))).code).toBe(
      "host-not-allowed",
    );
    expect((await failure(fetchAudio("https://127.0.0.1/a.mp3", "deezer", http))).code).toBe(
      "host-not-allowed",
    );
    expect((await failure(fetchJson("https://itunes.apple.com/search?term=x", "deezer", http))).code).toBe(
      "host-not-allowed",
    );
    expect(internet.calls.length).toBe(before);
  });
});

describe("redirects", () => {
  it("follows a redirect to another allow-listed preview host", async () => {
    const url = await deezerPreviewUrl();
    const mirror = url.replace("cdnt-preview.dzcdn.net", "cdns-preview-e.dzcdn.net");
    internet.inject("cdnt-preview.dzcdn.net", "/api/", { redirect: mirror });
    const { bytes, url: finalUrl } = await fetchAudio(url, "deezer", http);
    expect(finalUrl).toBe(mirror);
    expect(bytes.length).toBeGreaterThan(100_000);
  });

  it("refuses a redirect off the list, or down to plain HTTP, without following it", async () => {
    for (const target of [
      "https://metadata.internal/latest",
      "http://cdns-preview-e.dzcdn.net/x.mp3",
      "https://api.deezer.com/user/me",
    ]) {
      internet.inject("cdnt-preview.dzcdn.net", "/api/", { redirect: target, status: 301 });
      const before = internet.calls.length;
      const error = await failure(fetchAudio(await deezerPreviewUrl(), "deezer", http));
      expect(error.code, target).toBe("host-not-allowed");
      expect(
        internet.calls.slice(before).filter((c) => c.host !== "api.deezer.com"),
        target,
      ).toHaveLength(1);
    }
  });

  it("gives up after three redirects", async () => {
    const url = await deezerPreviewUrl();
    internet.inject(
      "cdnt-preview.dzcdn.net",
      "/api/",
      ...Array.from({ length: 4 }, () => ({ redirect: url })),
    );
    expect((await failure(fetchAudio(url, "deezer", http))).code).toBe("too-many-redirects");
  });
});

describe("size cap", () => {
  it("aborts a 50 MB body soon after 5 MB", async () => {
    internet.inject("cdnt-preview.dzcdn.net", "/api/", { streamBytes: 50 * 1024 * 1024 });
    const error = await failure(fetchAudio(await deezerPreviewUrl(), "deezer", http));
    expect(error.code).toBe("too-large");
    expect(error.message).toContain("5 MB");
    await expect.poll(() => internet.streamed.length, { timeout: 10_000 }).toBe(1);
    const sent = internet.streamed[0] ?? Number.POSITIVE_INFINITY;
    // What left the server: the 5 MB cap plus what socket buffers held when the client hung up.
    expect(sent).toBeGreaterThan(MAX_PREVIEW_BYTES);
    expect(sent).toBeLessThan(MAX_PREVIEW_BYTES + 2 * 1024 * 1024);
  });

  it("rejects a declared oversize Content-Length without reading the body", async () => {
    internet.streamed.length = 0;
    internet.inject("cdnt-preview.dzcdn.net", "/api/", {
      streamBytes: 50 * 1024 * 1024,
      declareLength: true,
    });
    const error = await failure(fetchAudio(await deezerPreviewUrl(), "deezer", http));
    expect(error.code).toBe("too-large");
    await expect.poll(() => internet.streamed.length, { timeout: 10_000 }).toBe(1);
    expect(internet.streamed[0]).toBeLessThan(MAX_PREVIEW_BYTES);
  });
});

describe("responses", () => {
  it("refuses a body that is not audio", async () => {
    internet.inject("cdnt-preview.dzcdn.net", "/api/", {
      status: 200,
      headers: { "content-type": "text/html" },
      body: "<html>login</html>",
    });
    const error = await failure(fetchAudio(await deezerPreviewUrl(), "deezer", http));
    expect(error.code).toBe("bad-response");
  });

  it("reports malformed JSON in words", async () => {
    internet.inject("api.deezer.com", "/track/", {
      status: 200,
      headers: { "content-type": "application/json" },
      body: "{nope",
    });
    const error = await failure(fetchJson("https://api.deezer.com/track/1001", "deezer", http));
    expect(error.code).toBe("bad-response");
    expect(error.message).toBe("Deezer sent a reply genrebot couldn't read.");
  });

  it("retries 5xx a bounded number of times, then says the provider is down", async () => {
    internet.inject(
      "api.deezer.com",
      "/track/",
      ...Array.from({ length: 3 }, () => ({ status: 502, body: "bad gateway" })),
    );
    const before = internet.calls.length;
    const error = await failure(
      fetchJson("https://api.deezer.com/track/1001", "deezer", {
        ...http,
        retry: { retries: 2, baseDelayMs: 10 },
      }),
    );
    expect(error.code).toBe("provider-unavailable");
    expect(internet.calls.length - before).toBe(3);
  });

  it("does not wait out a long Retry-After: it says when to try again", async () => {
    internet.inject("api.deezer.com", "/track/", { status: 429, headers: { "retry-after": "60" } });
    const before = internet.calls.length;
    const error = await failure(fetchJson("https://api.deezer.com/track/1001", "deezer", http));
    expect(error.code).toBe("rate-limited");
    expect(error.message).toBe("Deezer is getting too many requests from us right now — try again in 60 s.");
    expect(internet.calls.length - before).toBe(1);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("7", now)).toBe(7000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ConfigError, PROJECT_ROOT, readConfig } from "../src/config.js";
import { createLogger } from "../src/log.js";

const FULL_ENV = {
  DISCORD_TOKEN: "discord-secret-token",
  DISCORD_CLIENT_ID: "123456789012345678",
  SPOTIFY_CLIENT_ID: "spotify-id",
  SPOTIFY_CLIENT_SECRET: "spotify-secret-value",
};

describe("readConfig", () => {
  it("names every missing variable and where to get it", () => {
    let error: unknown;
    try {
      readConfig({ DISCORD_CLIENT_ID: "1" }, ["discord", "spotify"]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.missing).toEqual(["DISCORD_TOKEN", "SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET"]);
    expect(configError.message).toContain("Discord developer portal");
    expect(configError.message).toContain("Spotify developer dashboard");
  });

  it("treats blank values as missing and applies defaults", () => {
    expect(() => readConfig({ ...FULL_ENV, DISCORD_TOKEN: "   " }, ["discord"])).toThrow(/DISCORD_TOKEN/);
    const config = readConfig(FULL_ENV, ["discord", "spotify"]);
    expect(config.storeUrl).toMatch(/^sqlite:\/\/.*genrebot\.sqlite$/);
    expect(config.discord.guildId).toBeUndefined();
    expect(config.logLevel).toBe("info");
  });

  it("needs no credentials for offline use", () => {
    expect(() => readConfig({}, [])).not.toThrow();
  });

  it("makes Spotify optional for the bot: Discord alone is a complete config, with no Spotify section", () => {
    const config = readConfig({ DISCORD_TOKEN: "t", DISCORD_CLIENT_ID: "1" }, ["discord"]);
    expect(config.spotify).toBeUndefined();
    expect(config.presenceIntent).toBe(false);
    expect(readConfig(FULL_ENV, ["discord"]).spotify).toEqual({
      clientId: "spotify-id",
      clientSecret: "spotify-secret-value",
    });
  });

  it("reports half a Spotify pair as the other half missing", () => {
    expect(() =>
      readConfig({ DISCORD_TOKEN: "t", DISCORD_CLIENT_ID: "1", SPOTIFY_CLIENT_ID: "x" }, ["discord"]),
    ).toThrow(/SPOTIFY_CLIENT_SECRET/);
  });

  it("turns the presence intent on only for PRESENCE_INTENT=true", () => {
    expect(readConfig({ PRESENCE_INTENT: "true" }).presenceIntent).toBe(true);
    expect(readConfig({ PRESENCE_INTENT: "TRUE" }).presenceIntent).toBe(true);
    expect(readConfig({ PRESENCE_INTENT: "1" }).presenceIntent).toBe(false);
    expect(readConfig({}).presenceIntent).toBe(false);
  });
});

describe("logging", () => {
  it("redacts secrets when the config object is logged", () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger("info", sink);
    logger.info({ config: readConfig(FULL_ENV, ["discord", "spotify"]) }, "started");
    const output = lines.join("");
    expect(output).toContain("started");
    expect(output).toContain("123456789012345678");
    expect(output).not.toContain(FULL_ENV.DISCORD_TOKEN);
    expect(output).not.toContain(FULL_ENV.SPOTIFY_CLIENT_SECRET);
  });
});

/**
 * What `npm start` runs, from a fresh directory holding only the given .env; the environment is
 * stripped of any real credentials.
 */
function npmStart(dotEnv: string) {
  const cwd = mkdtempSync(path.join(tmpdir(), "genrebot-start-"));
  writeFileSync(path.join(cwd, ".env"), dotEnv);
  const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_LEVEL: "warn" };
  const tsx = path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx");
  return spawnSync(tsx, [path.join(PROJECT_ROOT, "src/main.ts")], {
    cwd,
    env,
    encoding: "utf8",
    timeout: 90_000,
  });
}

describe("npm start", () => {
  it("without a complete .env exits 1 with one clear message naming every missing variable, no stack trace", () => {
    const result = npmStart("DISCORD_CLIENT_ID=42\n");
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("DISCORD_TOKEN");
    // Spotify is optional: its absence is not an error.
    expect(result.stderr).not.toContain("SPOTIFY_CLIENT_ID");
    expect(result.stderr).not.toContain("DISCORD_CLIENT_ID:");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("with only the two Discord settings starts (sources named) and, with no way to Discord, exits 1 with a clear message", () => {
    // Here discord.com does not resolve; on a connected machine Discord rejects the made-up token.
    // Either way the member running the bot learns what to check, not a stack trace.
    const result = npmStart(
      [
        "DISCORD_TOKEN=MTIzNDU2Nzg5MDEyMzQ1Njc4.GmadeUp.not-a-real-token-just-the-right-shape",
        "DISCORD_CLIENT_ID=123456789012345678",
      ].join("\n"),
    );
    expect(result.status).toBe(1);
    // Only DISCORD_TOKEN and DISCORD_CLIENT_ID: the bot got as far as Discord, naming its sources first.
    expect(result.stdout).toContain(
      "Search and metadata: Deezer (no Spotify credentials: Spotify links are answered with a note). Preview audio: Deezer, then iTunes.",
    );
    expect(result.stderr).toMatch(
      /Couldn't reach Discord \(.+\) — check your network and DISCORD_TOKEN|Discord rejected DISCORD_TOKEN/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).not.toContain("not-a-real-token");
  });
});

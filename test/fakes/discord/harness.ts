import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { GatewayIntentBits } from "discord.js";
import { COMMANDS } from "../../../src/commands/index.js";
import { readConfig } from "../../../src/config.js";
import { type RunningBot, type StartBotOptions, startBot } from "../../../src/discord/bot.js";
import type { BotLimits } from "../../../src/discord/command.js";
import { type Registration, registerCommands } from "../../../src/discord/register-commands.js";
import { createLogger, type Logger } from "../../../src/log.js";
import type { TrackService } from "../../../src/service/index.js";
import { describeSources, openServices } from "../../../src/service/open.js";
import { emotifyClip, type FakeInternet, type FakeSong, fakeSpotifyId, startFakeInternet } from "../index.js";
import { FakeDiscord } from "./index.js";

/**
 * The whole bot as `npm start` wires it (readConfig → openServices → startBot): real discord.js
 * client, real TrackService with the real model in an analyzer pool, a real SQLite catalog in a
 * temp dir — connected to fake Discord,
 * fake Spotify/Deezer/iTunes, with real 30-second clips from ../shared/data as previews.
 */

type EmotifyGenre = "classical" | "electronic" | "pop" | "rock";
const ARTISTS: Record<EmotifyGenre, string> = {
  classical: "Aurora Quartet",
  electronic: "Night Circuit",
  pop: "Ada Moss",
  rock: "The Lanterns",
};

/** `count` songs per emotify genre, each with a Deezer preview of a real clip. */
export function clipSongs(count: number): Array<FakeSong & { genre: EmotifyGenre; clip: string }> {
  const genres: EmotifyGenre[] = ["rock", "pop", "classical", "electronic"];
  return genres.flatMap((genre, g) =>
    Array.from({ length: count }, (_, i) => {
      const n = g * 100 + i + 1;
      const clip = emotifyClip(genre, i + 1);
      return {
        genre,
        clip,
        spotifyId: fakeSpotifyId(n, "clip"),
        title: `${genre[0]?.toUpperCase()}${genre.slice(1)} Song ${i + 1}`,
        artists: [`${ARTISTS[genre]}${i > 1 ? ` ${i}` : ""}`],
        album: `${ARTISTS[genre]} Live`,
        durationMs: 200_000 + n,
        isrc: `TEST${String(n).padStart(8, "0")}`,
        deezer: { id: 10_000 + n, previewFile: clip },
      };
    }),
  );
}

/** A song Spotify knows but no service has a preview for. */
export const SILENT_SONG: FakeSong = {
  spotifyId: fakeSpotifyId(999, "silent"),
  title: "Unreleased Demo",
  artists: ["Nobody Known"],
  durationMs: 190_000,
  isrc: "TEST99999999",
};

export interface BotHarness {
  fake: FakeDiscord;
  internet: FakeInternet;
  bot: RunningBot;
  service: TrackService;
  /** The model the bot's analyzer pool loaded. */
  modelDir: string;
  logger: Logger;
  /** Registers the bot's commands in the fake guild, as `npm run deploy-commands` does. */
  registerCommands(): Promise<Registration>;
  close(): Promise<void>;
}

export async function startBotHarness(options: {
  songs: FakeSong[];
  playlists?: Array<{ id: string; name: string; entries: string[] }>;
  albums?: Array<{ id: string; name: string; trackIds: string[] }>;
  /** Spotify app in Extended Quota Mode (playlists readable); default: Development Mode. */
  extendedQuota?: boolean;
  /** What the bot may do in the channel (default: everything a member may, plus Manage Server). */
  botPermissions?: bigint;
  limits?: Partial<BotLimits>;
  poolSize?: number;
  /** Default: a fresh SQLite file in a temp dir. */
  storeUrl?: string;
  /** false: no Spotify credentials, as `npm start` with a Discord-only .env (Deezer answers searches). */
  spotify?: boolean;
  /** PRESENCE_INTENT=true: the bot asks for Guild Presences (`/genre` with no arguments). */
  presenceIntent?: boolean;
  /** Default: off, so a test's catalog changes only by what it asks for. */
  backgroundReindex?: StartBotOptions["backgroundReindex"];
}): Promise<BotHarness & { sources: string }> {
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? "silent");
  const dir = mkdtempSync(path.join(tmpdir(), "genrebot-e2e-"));
  const internet = await startFakeInternet({
    songs: options.songs,
    playlists: options.playlists ?? [],
    albums: options.albums ?? [],
    extendedQuota: options.extendedQuota ?? false,
  });
  const restoreHttps = internet.installGlobalHttpsAgent();
  const fake = await FakeDiscord.start({
    ...(options.botPermissions === undefined ? {} : { botPermissions: options.botPermissions }),
    // As if switched on in the developer portal: the bot asks for it only with PRESENCE_INTENT=true.
    ...(options.presenceIntent ? { portalIntents: GatewayIntentBits.GuildPresences } : {}),
  });
  const config = readConfig(
    {
      DISCORD_TOKEN: fake.token,
      DISCORD_CLIENT_ID: fake.applicationId,
      DISCORD_GUILD_ID: fake.guild.id,
      ...(options.spotify === false
        ? {}
        : {
            SPOTIFY_CLIENT_ID: internet.credentials.clientId,
            SPOTIFY_CLIENT_SECRET: internet.credentials.clientSecret,
          }),
      PRESENCE_INTENT: options.presenceIntent ? "true" : undefined,
      STORE_URL: options.storeUrl ?? `sqlite://${path.join(dir, "catalog.sqlite")}`,
      // Lets a run use another trained model, as the bot itself does.
      MODEL_DIR: process.env.MODEL_DIR,
    },
    ["discord"],
  );
  const services = await openServices(config, {
    lookups: true,
    logger,
    dispatcher: internet.dispatcher,
    poolSize: options.poolSize ?? 2,
  });
  const cleanUp = async () => {
    await fake.close();
    restoreHttps();
    await internet.close();
    rmSync(dir, { recursive: true, force: true });
  };
  let bot: RunningBot;
  try {
    bot = await startBot({
      commands: COMMANDS,
      config,
      service: services.service,
      finder: services.finder,
      onShutdown: () => services.close(),
      logger,
      clientOptions: fake.clientOptions,
      attachmentDispatcher: fake.cdnDispatcher,
      limits: options.limits,
      backgroundReindex: options.backgroundReindex ?? false,
      handleSignals: false,
      // Generous, so a test's in-flight analysis always finishes on a loaded machine.
      shutdownTimeoutMs: 120_000,
    });
  } catch (error) {
    await services.close();
    await cleanUp();
    throw error;
  }
  return {
    fake,
    internet,
    bot,
    service: services.service,
    modelDir: config.modelDir,
    logger,
    sources: describeSources(services.sources),
    registerCommands: () =>
      registerCommands({
        commands: COMMANDS,
        token: fake.token,
        clientId: fake.applicationId,
        guildId: fake.guild.id,
        api: fake.apiUrl,
      }),
    async close() {
      await bot.stop();
      await cleanUp();
    },
  };
}

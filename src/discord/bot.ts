import { setTimeout as sleep } from "node:timers/promises";
import { Client, type ClientOptions, Events, GatewayIntentBits, Partials } from "discord.js";
import type { Dispatcher } from "undici";
import type { Config } from "../config.js";
import { UserFacingError } from "../errors.js";
import { withDeadline } from "../lib/deadline.js";
import { type Logger, log } from "../log.js";
import type { TrackService } from "../service/index.js";
import type { TrackFinder } from "../spotify/index.js";
import { createChartRenderer } from "./charts/genre-renderer.js";
import type { BotLimits, Command, CommandContext } from "./command.js";
import { Cooldowns } from "./cooldowns.js";
import { DEFAULT_LIMITS } from "./limits.js";
import { type ReindexPassOptions, runReindexPass } from "./reindex-pass.js";
import { createRouter } from "./router.js";
import { WorkQueue } from "./work-queue.js";

export interface StartBotOptions {
  /** The commands the bot answers (the same list main.ts registers). */
  commands: readonly Command[];
  /** `presenceIntent`: ask for Guild Presences, so /genre with no arguments can read what a member plays. */
  config: Pick<Config, "discord"> & Partial<Pick<Config, "presenceIntent">>;
  service: TrackService;
  /** For song autocomplete (Spotify or Deezer); without it suggestions are simply empty. */
  finder?: Pick<TrackFinder, "suggest">;
  /** Closes what the bot doesn't own (analyzer pool, catalog store), last thing on shutdown. */
  onShutdown?: () => Promise<void>;
  logger?: Logger;
  /** Merged into the discord.js client options (tests point `rest.api` at a fake Discord). */
  clientOptions?: Partial<ClientOptions>;
  limits?: Partial<BotLimits>;
  /** Routes attachment downloads; tests reach a fake Discord CDN through it. */
  attachmentDispatcher?: Dispatcher;
  /** Install SIGINT/SIGTERM handlers that shut down gracefully and exit (default true). */
  handleSignals?: boolean;
  /** Bound on reaching Discord and receiving READY. */
  loginTimeoutMs?: number;
  /** How long shutdown waits for in-flight interactions before cutting them off. */
  shutdownTimeoutMs?: number;
  /**
   * The background re-analysis of records an older model made, started after login (default on,
   * with its default pacing); false turns it off (BACKGROUND_REINDEX=false).
   */
  backgroundReindex?: ReindexPassOptions | false;
}

export interface RunningBot {
  client: Client<true>;
  /** Stops taking work, lets in-flight work finish (bounded), disconnects, then runs `onShutdown`. */
  stop(): Promise<void>;
}

/**
 * Connects to Discord and answers interactions until stopped. Resolves once the gateway says
 * READY; rejects with a UserFacingError saying what to fix when Discord can't be reached or
 * rejects the token, within `loginTimeoutMs` rather than retrying forever.
 */
export async function startBot(options: StartBotOptions): Promise<RunningBot> {
  const logger = (options.logger ?? log).child({ module: "discord" });
  const limits: BotLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const shutdown = new AbortController();
  const { service, finder } = options;
  const ctx: CommandContext = {
    service,
    suggest: finder ? (query) => finder.suggest(query) : undefined,
    limits,
    logger,
    cooldowns: new Cooldowns(limits.cooldownSeconds),
    queue: new WorkQueue(limits.maxRunning, limits.maxWaiting),
    attachments: {
      maxBytes: limits.maxUploadBytes,
      timeoutMs: limits.downloadTimeoutMs,
      dispatcher: options.attachmentDispatcher,
    },
    charts: createChartRenderer(),
    indexJobs: new Set(),
    shutdown: shutdown.signal,
    presences: options.config.presenceIntent ?? false,
  };
  const router = createRouter(options.commands, ctx);

  // Slash commands and context menus need no privileged intents; Guilds gives channel context for
  // replies. Guild Presences (privileged: switched on in the developer portal) only when asked for.
  const client = new Client({
    intents: [
      GatewayIntentBits.Guilds,
      ...(options.config.presenceIntent ? [GatewayIntentBits.GuildPresences] : []),
    ],
    // Presence updates may name the user by id alone; without this partial discord.js drops them.
    partials: options.config.presenceIntent ? [Partials.User] : [],
    allowedMentions: { parse: [] },
    ...options.clientOptions,
  });
  client.on(Events.InteractionCreate, (interaction) => void router.handle(interaction));
  client.on(Events.Error, (error) => logger.error({ err: error }, "discord client error (carrying on)"));
  client.on(Events.ShardError, (error, shardId) =>
    logger.warn({ err: error, shardId }, "gateway connection error (discord.js reconnects)"),
  );
  client.on(Events.Warn, (message) => logger.warn(message));
  const onRejection = (reason: unknown) =>
    logger.error({ err: reason }, "unhandled promise rejection (carrying on)");
  process.on("unhandledRejection", onRejection);

  await login(client, options.config.discord.token, options.loginTimeoutMs ?? 30_000).catch(async (error) => {
    process.off("unhandledRejection", onRejection);
    await client.destroy();
    await ctx.charts.close();
    throw error;
  });
  logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, "connected to Discord");
  // Shards share one catalog: the first shard's process alone re-analyses it.
  const firstShard = client.shard === null || client.shard.ids.includes(0);
  const reindexPass =
    options.backgroundReindex === false || !firstShard
      ? Promise.resolve()
      : runReindexPass(
          service,
          // Members first: their analyses (running or queued) and /index jobs hold the pass back.
          () => ctx.queue.load > 0 || ctx.indexJobs.size > 0,
          shutdown.signal,
          logger.child({ module: "reindex" }),
          options.backgroundReindex,
        );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      logger.info({ inFlight: router.inFlight.size }, "shutting down");
      router.close();
      shutdown.abort();
      const bound = sleep(options.shutdownTimeoutMs ?? 15_000, undefined, { ref: false });
      await Promise.race([Promise.allSettled([...router.inFlight, reindexPass]), bound]);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      await client.destroy();
      await ctx.charts.close();
      await options.onShutdown?.();
      process.off("unhandledRejection", onRejection);
      logger.info("stopped");
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, "received signal");
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "unclean shutdown");
        process.exit(1);
      },
    );
  };
  if (options.handleSignals ?? true) {
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  }
  return { client: client as Client<true>, stop };
}

async function login(client: Client, token: string, timeoutMs: number): Promise<void> {
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  try {
    await withDeadline(
      Promise.all([client.login(token), ready]),
      timeoutMs,
      () => new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`),
    );
  } catch (error) {
    throw loginError(error);
  }
}

/** Turns what discord.js throws at login into what the operator should do about it. */
export function loginError(error: unknown): UserFacingError {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === "TokenInvalid" || /authentication failed/i.test(message)) {
    return new UserFacingError(
      "discord-token-rejected",
      "Discord rejected DISCORD_TOKEN — reset it in the developer portal (Bot → Reset Token) and update .env.",
      { cause: error },
    );
  }
  if (/disallowed intents/i.test(message)) {
    return new UserFacingError(
      "discord-intents",
      "Discord refused the requested gateway intents — check the bot's Privileged Gateway Intents in the developer portal.",
      { cause: error },
    );
  }
  return new UserFacingError(
    "discord-unreachable",
    `Couldn't reach Discord (${networkReason(error)}) — check your network and DISCORD_TOKEN.`,
    { cause: error },
  );
}

function networkReason(error: unknown): string {
  const seen = new Set<unknown>();
  for (let e = error; e && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^E[A-Z]+|^UND_ERR/.test(code)) return `${code}: ${(e as Error).message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

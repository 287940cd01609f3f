import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  MessageContextMenuCommandInteraction,
  RESTPostAPIApplicationCommandsJSONBody,
} from "discord.js";
import type { Logger } from "../log.js";
import type { TrackService } from "../service/index.js";
import type { Track } from "../spotify/index.js";
import type { AttachmentLimits } from "./attachments.js";
import type { ChartRenderer } from "./charts/genre-renderer.js";
import type { Cooldowns } from "./cooldowns.js";
import type { WorkQueue } from "./work-queue.js";

/** Tunables of the bot's fairness and safety limits; defaults in src/discord/limits.ts. */
export interface BotLimits {
  /** Per member, for /genre and /similar. */
  cooldownSeconds: number;
  /** Analyses running at once across the bot, and how many may wait behind them. */
  maxRunning: number;
  maxWaiting: number;
  /** Largest member upload /genre accepts, checked before downloading. */
  maxUploadBytes: number;
  downloadTimeoutMs: number;
  /** Minimum gap between edits of a /index progress message (Discord rate-limits edits). */
  progressIntervalMs: number;
  /** How many neighbours /similar lists. */
  similarCount: number;
}

/** What every command gets: the one TrackService, Spotify autocomplete, shared limits and state. */
export interface CommandContext {
  service: TrackService;
  /** Spotify search-as-you-type (bounded by its own deadline); absent when Spotify isn't configured. */
  suggest?: (query: string) => Promise<Track[]>;
  limits: BotLimits;
  logger: Logger;
  cooldowns: Cooldowns;
  queue: WorkQueue;
  attachments: AttachmentLimits;
  /** Rasterises /genre charts off the event loop. */
  charts: ChartRenderer;
  /** Guilds with a bulk /index job running: one per guild at a time. */
  indexJobs: Set<string>;
  /** Aborted when the bot shuts down, so long jobs stop cleanly. */
  shutdown: AbortSignal;
  /** The bot receives members' presences (PRESENCE_INTENT=true), so it can see what they play. */
  presences: boolean;
}

/**
 * A command declares itself, Sapphire-"piece" style: its registration data and its handlers. A slash
 * command has `execute` (and optionally autocomplete and button handlers); a message context-menu
 * entry (right-click a message → Apps) has `onMessage`. Buttons carry `<command name>:<argument>` as
 * their custom id, so the router knows which command a click belongs to.
 */
export interface Command {
  data: { name: string; toJSON(): RESTPostAPIApplicationCommandsJSONBody };
  execute?(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void>;
  onMessage?(interaction: MessageContextMenuCommandInteraction, ctx: CommandContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void>;
  button?(interaction: ButtonInteraction, argument: string, ctx: CommandContext): Promise<void>;
}

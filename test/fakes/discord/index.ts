import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import net, { type AddressInfo } from "node:net";
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ComponentType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  PermissionFlagsBits,
} from "discord.js";
import { Agent } from "undici";
import { WebSocketServer } from "ws";
import { DiscordConformance } from "./conformance.js";
import { FakeGateway } from "./gateway.js";
import { applyMessage, emptyMessage, parseBody, type UploadedFile } from "./messages.js";
import {
  ADMIN_PERMISSIONS,
  type FakeGuild,
  type FakeUser,
  MEMBER_PERMISSIONS,
  memberPayload,
  type StoredMessage,
  textChannelPayload,
  toApiMessage,
  userPayload,
} from "./payloads.js";
import { snowflake } from "./snowflake.js";

export { ADMIN_PERMISSIONS, type FakeGuild, type FakeUser, MEMBER_PERMISSIONS, type StoredMessage };

export interface RecordedRequest {
  at: number;
  method: string;
  /** Path below /api/v10, e.g. `/interactions/123/tok/callback`. */
  route: string;
  query: URLSearchParams;
  body: Record<string, unknown> | undefined;
  files: UploadedFile[];
  status: number;
  /** Discord's error code when the request was refused (50035, 10062, 50027, ...). */
  code?: number;
}

export interface InteractionCallback {
  at: number;
  type: InteractionResponseType;
  data: Record<string, unknown> | undefined;
  files: UploadedFile[];
}

/** Everything the bot did in answer to one interaction, as a member's client would see it. */
export interface FakeInteraction {
  id: string;
  token: string;
  type: InteractionType;
  user: FakeUser;
  dispatchedAt: number;
  callback?: InteractionCallback;
  /** Milliseconds from dispatch to the bot's callback: must stay under Discord's 3 s. */
  ackLatencyMs?: number;
  original?: StoredMessage;
  /** Every state of the original response after each edit, oldest first. */
  edits: Array<{ at: number; message: StoredMessage }>;
  followUps: StoredMessage[];
}

export interface MemberUpload {
  filename: string;
  bytes: Uint8Array;
  contentType?: string;
  /** Where the bot is told to download it; defaults to a cdn.discordapp.com URL served by the fake. */
  url?: string;
  /** The size Discord reports (defaults to the byte count). */
  size?: number;
}

export type OptionValue = string | number | boolean | MemberUpload;

/**
 * Who sends an interaction: a member (default: a new "listener"), their permissions, and the server
 * (default: the fake's own guild; another from `otherGuild()` stands for a second server).
 */
export interface Sender {
  user?: FakeUser;
  permissions?: bigint;
  guild?: FakeGuild;
}

export interface FakeDiscordOptions {
  token?: string;
  heartbeatIntervalMs?: number;
  /** Discord's deadlines (3 s to acknowledge, 15 minutes of token) are measured on this clock. */
  clock?: FakeClock;
  /** What the bot may do in the guild's channel (`app_permissions`, checked on channel messages). */
  botPermissions?: bigint;
  /** Privileged intents switched on in the developer portal; asking for others closes the gateway 4014. */
  portalIntents?: number;
}

/** Real time plus whatever a test has skipped, so a test can let 15 minutes pass at once. */
export class FakeClock {
  private skipped = 0;
  now(): number {
    return Date.now() + this.skipped;
  }
  advance(ms: number): void {
    this.skipped += ms;
  }
}

/** Discord's deadlines for an interaction. */
export const ACK_DEADLINE_MS = 3_000;
export const TOKEN_LIFETIME_MS = 15 * 60_000;

/** Compiled once per test process: the description is 1.2 MB. */
let conformance: DiscordConformance | undefined;

interface Route {
  method: string;
  pattern: RegExp;
  auth: boolean;
  handle: (match: string[], body: Parsed, query: URLSearchParams) => Reply | Promise<Reply>;
}
type Parsed = Awaited<ReturnType<typeof parseBody>>;
type Reply = { status: number; json?: unknown };

const UNAUTHORIZED: Reply = { status: 401, json: { message: "401: Unauthorized", code: 0 } };
const discordError = (status: number, code: number, message: string): Reply => ({
  status,
  json: { message, code },
});

/**
 * A loopback Discord: REST (`/api/v10/...`) and the gateway WebSocket on one 127.0.0.1 port,
 * speaking enough of API v10 for the real discord.js v14 client to log in, receive interactions
 * and answer them. It records every request and every state of every reply, with timestamps.
 */
export class FakeDiscord extends EventEmitter {
  readonly token: string;
  readonly applicationId = snowflake();
  readonly bot = userPayload("genrebot", { bot: true });
  readonly owner = userPayload("owner");
  readonly guild: FakeGuild;
  readonly requests: RecordedRequest[] = [];
  readonly interactions = new Map<string, FakeInteraction>();
  readonly commands = { global: [] as Array<Record<string, unknown>>, guild: new Map<string, unknown[]>() };
  readonly gateway: FakeGateway;
  readonly clock: FakeClock;
  /** Ordinary messages the bot posted in the guild's channel (not interaction responses). */
  readonly channelMessages: StoredMessage[] = [];
  /** Every state of every channel message, oldest first (posts and edits). */
  readonly channelHistory: StoredMessage[] = [];
  botPermissions: bigint;
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private readonly uploads = new Map<string, MemberUpload & { contentType: string }>();
  private readonly routes: Route[];
  private port = 0;

  private constructor(options: FakeDiscordOptions) {
    super();
    this.setMaxListeners(0);
    this.token = options.token ?? "fake-bot-token.for-tests-only";
    this.clock = options.clock ?? new FakeClock();
    this.botPermissions = options.botPermissions ?? ADMIN_PERMISSIONS;
    this.guild = { id: snowflake(), name: "Listening Room", channelId: snowflake(), ownerId: this.owner.id };
    this.server = createServer((req, res) => void this.serve(req, res));
    this.wss = new WebSocketServer({ server: this.server });
    this.gateway = new FakeGateway(this.wss, {
      token: this.token,
      applicationId: this.applicationId,
      bot: this.bot,
      guild: this.guild,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      url: () => this.gatewayUrl,
      portalIntents: options.portalIntents,
    });
    this.routes = this.buildRoutes();
  }

  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  /** The value for discord.js `rest.api`. */
  get apiUrl(): string {
    return `${this.origin}/api`;
  }
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }
  /** Client options that point discord.js here instead of discord.com. */
  get clientOptions(): { rest: { api: string } } {
    return { rest: { api: this.apiUrl } };
  }

  /**
   * An undici dispatcher that connects every host to this fake: members' uploads keep their real
   * https://cdn.discordapp.com URLs (so the bot's host allow-list is exercised as in production)
   * while the bytes come from loopback, over plain TCP since there is no certificate for Discord.
   */
  readonly cdnDispatcher = new Agent({
    connect: (_options, callback) => {
      const socket = net.connect(this.port, "127.0.0.1");
      socket.once("connect", () => callback(null, socket));
      socket.once("error", (error) => callback(error, null));
    },
  });

  /** Requests Discord would have refused for their body or for a missed deadline. */
  get refused(): RecordedRequest[] {
    return this.requests.filter((r) => r.code === 50035 || r.code === 10062 || r.code === 50027);
  }

  member(name: string): FakeUser {
    return userPayload(name);
  }

  /**
   * A member's presence changes (PRESENCE_UPDATE, sent only to bots with the Guild Presences intent):
   * `spotify` is what Discord shows while they listen on Spotify, undefined when they stop.
   */
  updatePresence(
    user: FakeUser,
    spotify?: { trackId: string; title: string; artists: string[]; album: string },
  ): void {
    const now = this.clock.now();
    this.gateway.dispatch("PRESENCE_UPDATE", {
      user: { id: user.id },
      guild_id: this.guild.id,
      status: "online",
      client_status: { desktop: "online" },
      activities: spotify
        ? [
            {
              type: 2,
              name: "Spotify",
              id: "spotify:1",
              created_at: now,
              timestamps: { start: now - 30_000, end: now + 150_000 },
              sync_id: spotify.trackId,
              details: spotify.title,
              state: spotify.artists.join("; "),
              assets: { large_text: spotify.album, large_image: `spotify:ab67616d0000b273${"0".repeat(24)}` },
              party: { id: `spotify:${user.id}` },
              flags: 48,
            },
          ]
        : [],
    });
  }

  /** Another server the bot is in, for interactions sent `as: { guild }`. */
  otherGuild(name = "Second Room"): FakeGuild {
    return { id: snowflake(), name, channelId: snowflake(), ownerId: this.owner.id };
  }

  async close(): Promise<void> {
    await this.cdnDispatcher.close();
    this.gateway.closeAll();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /**
   * A member runs a slash command; `"forget track"` names a subcommand, whose options these are.
   * Returns the live record of what the bot does with it.
   */
  dispatchCommand(
    command: string,
    options: Record<string, OptionValue | undefined> = {},
    as: Sender = {},
  ): FakeInteraction {
    const [name = command, subcommand] = command.split(" ");
    const attachments: Record<string, unknown> = {};
    const apiOptions = Object.entries(options).flatMap(([optionName, value]) => {
      if (value === undefined) return [];
      if (typeof value === "object") {
        const attachment = this.upload(value);
        attachments[attachment.id] = attachment;
        return [{ name: optionName, type: ApplicationCommandOptionType.Attachment, value: attachment.id }];
      }
      return [{ name: optionName, type: optionType(value), value }];
    });
    return this.dispatchInteraction(InteractionType.ApplicationCommand, as, {
      id: this.commandId(name),
      name,
      type: ApplicationCommandType.ChatInput,
      options: subcommand
        ? [{ name: subcommand, type: ApplicationCommandOptionType.Subcommand, options: apiOptions }]
        : apiOptions,
      ...(Object.keys(attachments).length > 0 ? { resolved: { attachments } } : {}),
    });
  }

  /**
   * A member right-clicks a message → Apps → `name`: a message context-menu command (interaction
   * type 2, data.type 3) carrying the whole message in `resolved.messages`, as Discord sends it
   * without any privileged intent.
   */
  dispatchMessageCommand(
    name: string,
    message: { content?: string; attachments?: MemberUpload[]; author?: FakeUser },
    as: Sender = {},
  ): FakeInteraction {
    const id = snowflake();
    const target = {
      id,
      type: 0,
      channel_id: this.guild.channelId,
      guild_id: this.guild.id,
      author: message.author ?? this.member("sharer"),
      content: message.content ?? "",
      timestamp: new Date(this.clock.now() - 60_000).toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: (message.attachments ?? []).map((file) => this.upload(file)),
      embeds: [],
      components: [],
      pinned: false,
      flags: 0,
    };
    return this.dispatchInteraction(InteractionType.ApplicationCommand, as, {
      id: this.commandId(name),
      name,
      type: ApplicationCommandType.Message,
      target_id: id,
      resolved: { messages: { [id]: target } },
    });
  }

  /** A member types into an autocomplete option; `focused` names the option being typed. */
  dispatchAutocomplete(
    name: string,
    options: Record<string, string | number | undefined>,
    focused: string,
    as: { user?: FakeUser } = {},
  ): FakeInteraction {
    const apiOptions = Object.entries(options).flatMap(([optionName, value]) =>
      value === undefined
        ? []
        : [
            {
              name: optionName,
              type: optionType(value),
              value,
              ...(optionName === focused ? { focused: true } : {}),
            },
          ],
    );
    return this.dispatchInteraction(InteractionType.ApplicationCommandAutocomplete, as, {
      id: this.commandId(name),
      name,
      type: ApplicationCommandType.ChatInput,
      options: apiOptions,
    });
  }

  /** A member clicks a button on a message the bot sent; throws if that message has no such button. */
  clickButton(message: StoredMessage, customId: string, as: { user?: FakeUser } = {}): FakeInteraction {
    const buttons = message.components.flatMap(
      (row) => (row.components as Array<{ custom_id?: string; type: number }> | undefined) ?? [],
    );
    if (!buttons.some((b) => b.type === ComponentType.Button && b.custom_id === customId)) {
      throw new Error(`fake discord: message ${message.id} has no button "${customId}"`);
    }
    return this.dispatchInteraction(
      InteractionType.MessageComponent,
      as,
      { custom_id: customId, component_type: ComponentType.Button },
      toApiMessage(message, this.bot, this.applicationId, this.guild.id),
    );
  }

  /** Resolves with the interaction once `predicate` holds, re-checking after every change to it. */
  async waitFor<T>(
    interaction: FakeInteraction,
    predicate: (i: FakeInteraction) => T | undefined | false,
    timeoutMs = 50_000,
  ): Promise<T> {
    const now = predicate(interaction);
    if (now) return now;
    return new Promise<T>((resolve, reject) => {
      const check = (id: string) => {
        if (id !== interaction.id) return;
        const value = predicate(interaction);
        if (!value) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `fake discord: gave up waiting on interaction ${interaction.id}: ${describe(interaction)}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.off("interaction", check);
      };
      this.on("interaction", check);
    });
  }

  async waitForAck(interaction: FakeInteraction): Promise<InteractionCallback> {
    return this.waitFor(interaction, (i) => i.callback);
  }

  /**
   * The reply a member sees: the immediate message (callback type 4), or the original response
   * once the bot edited it after deferring. `matching` waits for a later edit (e.g. a final summary).
   */
  async waitForReply(
    interaction: FakeInteraction,
    matching: (message: StoredMessage) => boolean = () => true,
    timeoutMs?: number,
  ): Promise<StoredMessage> {
    return this.waitFor(
      interaction,
      (i) => {
        const visible =
          i.callback?.type === InteractionResponseType.ChannelMessageWithSource ||
          (i.callback?.type === InteractionResponseType.DeferredChannelMessageWithSource &&
            i.edits.length > 0);
        return visible && i.original && matching(i.original) ? i.original : undefined;
      },
      timeoutMs,
    );
  }

  /** Choices the bot offered for an autocomplete interaction. */
  async waitForChoices(
    interaction: FakeInteraction,
  ): Promise<Array<{ name: string; value: string | number }>> {
    const callback = await this.waitForAck(interaction);
    if (callback.type !== InteractionResponseType.ApplicationCommandAutocompleteResult) {
      throw new Error(`expected autocomplete choices, got callback type ${callback.type}`);
    }
    return (callback.data?.choices as Array<{ name: string; value: string | number }>) ?? [];
  }

  private commandId(name: string): string {
    const registered = [...this.commands.global, ...[...this.commands.guild.values()].flat()] as Array<{
      id: string;
      name: string;
    }>;
    return registered.find((c) => c.name === name)?.id ?? `cmd-${name}`;
  }

  private upload(file: MemberUpload): { id: string } & Record<string, unknown> {
    const id = snowflake();
    const contentType = file.contentType ?? "application/octet-stream";
    this.uploads.set(id, { ...file, contentType });
    const url =
      file.url ??
      `https://cdn.discordapp.com/attachments/${this.guild.channelId}/${id}/${encodeURIComponent(file.filename)}`;
    return {
      id,
      filename: file.filename,
      size: file.size ?? file.bytes.length,
      url,
      proxy_url: url,
      content_type: contentType,
    };
  }

  private dispatchInteraction(
    type: InteractionType,
    as: Sender,
    data: Record<string, unknown>,
    message?: unknown,
  ): FakeInteraction {
    const user = as.user ?? this.member("listener");
    const interaction: FakeInteraction = {
      id: snowflake(),
      token: `itok-${snowflake()}-${Math.random().toString(36).slice(2)}`,
      type,
      user,
      dispatchedAt: this.clock.now(),
      edits: [],
      followUps: [],
    };
    this.interactions.set(interaction.id, interaction);
    this.gateway.dispatch("INTERACTION_CREATE", {
      id: interaction.id,
      application_id: this.applicationId,
      type,
      token: interaction.token,
      version: 1,
      guild_id: (as.guild ?? this.guild).id,
      channel_id: (as.guild ?? this.guild).channelId,
      channel: textChannelPayload(as.guild ?? this.guild),
      member: memberPayload(user, as.permissions ?? MEMBER_PERMISSIONS),
      app_permissions: this.botPermissions.toString(),
      locale: "en-US",
      guild_locale: "en-US",
      entitlements: [],
      authorizing_integration_owners: { "0": (as.guild ?? this.guild).id },
      context: 0,
      attachment_size_limit: 26_214_400,
      data,
      ...(message ? { message } : {}),
    });
    return interaction;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.origin);
    if (req.method === "GET" && url.pathname.startsWith("/attachments/")) {
      this.serveUpload(url.pathname, res);
      return;
    }
    if (req.method === "GET" && url.pathname.startsWith("/bot-attachments/")) {
      this.serveBotAttachment(url.pathname, res);
      return;
    }
    const route = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, "");
    let reply: Reply;
    let body: Parsed = { json: undefined, files: [] };
    try {
      body = await parseBody(req);
      reply = await this.route(req, route, body, url.searchParams);
    } catch (error) {
      reply = discordError(400, 50109, `The request body contains invalid JSON. (${String(error)})`);
    }
    this.requests.push({
      at: this.clock.now(),
      method: req.method ?? "GET",
      route,
      query: url.searchParams,
      body: body.json,
      files: body.files,
      status: reply.status,
      code: (reply.json as { code?: number } | undefined)?.code,
    });
    if (reply.json === undefined) {
      res.writeHead(reply.status).end();
      return;
    }
    res.writeHead(reply.status, { "content-type": "application/json" }).end(JSON.stringify(reply.json));
  }

  private async route(
    req: IncomingMessage,
    path: string,
    body: Parsed,
    query: URLSearchParams,
  ): Promise<Reply> {
    for (const route of this.routes) {
      if (route.method !== req.method) continue;
      const match = route.pattern.exec(path);
      if (!match) continue;
      if (route.auth && req.headers.authorization !== `Bot ${this.token}`) return UNAUTHORIZED;
      const late = this.pastDeadline(path);
      if (late) return late;
      conformance ??= new DiscordConformance();
      const invalid = conformance.check(
        req.method ?? "GET",
        path,
        body.json,
        body.files.map((f) => f.field),
      );
      if (invalid) return { status: 400, json: invalid };
      return route.handle(match.slice(1), body, query);
    }
    return discordError(404, 0, "404: Not Found");
  }

  /**
   * Discord forgets an interaction not acknowledged within 3 s (10062) and refuses its token
   * after 15 minutes (50027), whatever the body says.
   */
  private pastDeadline(path: string): Reply | undefined {
    const callback = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path);
    if (callback) {
      const interaction = this.interactions.get(callback[1] ?? "");
      if (
        interaction &&
        !interaction.callback &&
        this.clock.now() - interaction.dispatchedAt > ACK_DEADLINE_MS
      ) {
        return discordError(404, 10062, "Unknown interaction");
      }
      return undefined;
    }
    const webhook = /^\/webhooks\/(\d+)\/([^/]+)(\/|$)/.exec(path);
    const interaction = webhook ? this.interactionByToken(webhook[1], webhook[2]) : undefined;
    if (interaction && this.clock.now() - interaction.dispatchedAt > TOKEN_LIFETIME_MS) {
      return discordError(401, 50027, "Invalid Webhook Token");
    }
    return undefined;
  }

  /** Resolves with the first channel message (posted from now on or before) that `matching` accepts. */
  async waitForChannelMessage(
    matching: (message: StoredMessage) => boolean,
    timeoutMs = 50_000,
  ): Promise<StoredMessage> {
    const find = () => this.channelMessages.find(matching);
    const now = find();
    if (now) return now;
    return new Promise<StoredMessage>((resolve, reject) => {
      const check = () => {
        const found = find();
        if (!found) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake discord: no matching channel message among ${this.channelMessages.length}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.off("channel-message", check);
      };
      this.on("channel-message", check);
    });
  }

  private serveUpload(pathname: string, res: ServerResponse): void {
    const [, , , id] = pathname.split("/");
    const upload = id ? this.uploads.get(id) : undefined;
    if (!upload) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": upload.contentType, "content-length": upload.bytes.length });
    res.end(upload.bytes);
  }

  /** The bot's own uploads, as a member's client would fetch them from the CDN. */
  private serveBotAttachment(pathname: string, res: ServerResponse): void {
    const [, , , id] = pathname.split("/");
    const attachment = [...this.interactions.values()]
      .flatMap((i) => [i.original, ...i.followUps])
      .flatMap((m) => m?.attachments ?? [])
      .find((a) => a.id === id);
    if (!attachment) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": attachment.content_type ?? "application/octet-stream" });
    res.end(attachment.bytes);
  }

  private buildRoutes(): Route[] {
    const app = this.applicationId;
    return [
      {
        method: "GET",
        pattern: /^\/gateway\/bot$/,
        auth: true,
        handle: () => ({
          status: 200,
          json: {
            url: this.gatewayUrl,
            shards: 1,
            session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
          },
        }),
      },
      {
        method: "GET",
        pattern: /^\/gateway$/,
        auth: false,
        handle: () => ({ status: 200, json: { url: this.gatewayUrl } }),
      },
      {
        method: "GET",
        pattern: /^\/users\/@me$/,
        auth: true,
        handle: () => ({ status: 200, json: this.bot }),
      },
      {
        method: "PUT",
        pattern: /^\/applications\/(\d+)\/commands$/,
        auth: true,
        handle: ([appId], body) => {
          if (appId !== app) return discordError(403, 50001, "Missing Access");
          this.commands.global = this.storeCommands(body.json);
          return { status: 200, json: this.commands.global };
        },
      },
      {
        method: "PUT",
        pattern: /^\/applications\/(\d+)\/guilds\/(\d+)\/commands$/,
        auth: true,
        handle: ([appId, guildId], body) => {
          if (appId !== app || guildId !== this.guild.id) return discordError(403, 50001, "Missing Access");
          const stored = this.storeCommands(body.json, guildId);
          this.commands.guild.set(guildId, stored);
          return { status: 200, json: stored };
        },
      },
      {
        method: "POST",
        pattern: /^\/interactions\/(\d+)\/([^/]+)\/callback$/,
        auth: false,
        handle: ([id, token], body, query) => this.callback(id ?? "", token ?? "", body, query),
      },
      {
        method: "POST",
        pattern: /^\/channels\/(\d+)\/messages$/,
        auth: true,
        handle: ([channelId], body) => this.channelMessage(channelId ?? "", body),
      },
      {
        method: "PATCH",
        pattern: /^\/channels\/(\d+)\/messages\/(\d+)$/,
        auth: true,
        handle: ([channelId, messageId], body) =>
          this.editChannelMessage(channelId ?? "", messageId ?? "", body),
      },
      {
        method: "POST",
        pattern: /^\/webhooks\/(\d+)\/([^/]+)$/,
        auth: false,
        handle: ([appId, token], body) => this.followUp(appId ?? "", token ?? "", body),
      },
      {
        method: "GET",
        pattern: /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/,
        auth: false,
        handle: ([appId, token, messageId]) => this.webhookMessage(appId, token, messageId, undefined),
      },
      {
        method: "PATCH",
        pattern: /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/,
        auth: false,
        handle: ([appId, token, messageId], body) => this.webhookMessage(appId, token, messageId, body),
      },
      {
        method: "DELETE",
        pattern: /^\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/,
        auth: false,
        handle: ([appId, token, messageId]) => this.webhookMessage(appId, token, messageId, "delete"),
      },
    ];
  }

  private storeCommands(json: unknown, guildId?: string): Array<Record<string, unknown>> {
    if (!Array.isArray(json)) throw new Error("bulk overwrite expects an array of commands");
    return (json as Array<Record<string, unknown>>).map((command) => ({
      ...command,
      id: snowflake(),
      application_id: this.applicationId,
      version: snowflake(),
      ...(guildId ? { guild_id: guildId } : {}),
    }));
  }

  private attachmentUrl = (channelId: string, id: string, filename: string): string =>
    `${this.origin}/bot-attachments/${channelId}/${id}/${encodeURIComponent(filename)}`;

  private apiMessage(message: StoredMessage): unknown {
    return toApiMessage(message, this.bot, this.applicationId, this.guild.id);
  }

  private changed(interaction: FakeInteraction): void {
    this.emit("interaction", interaction.id);
  }

  private callback(id: string, token: string, body: Parsed, query: URLSearchParams): Reply {
    const interaction = this.interactions.get(id);
    if (!interaction || interaction.token !== token) return discordError(404, 10062, "Unknown interaction");
    if (interaction.callback) {
      return discordError(400, 40060, "Interaction has already been acknowledged.");
    }
    const type = body.json?.type as InteractionResponseType;
    const data = body.json?.data as Record<string, unknown> | undefined;
    const at = this.clock.now();
    interaction.callback = { at, type, data, files: body.files };
    interaction.ackLatencyMs = at - interaction.dispatchedAt;
    const flags = typeof data?.flags === "number" ? data.flags : 0;
    if (type === InteractionResponseType.ChannelMessageWithSource) {
      interaction.original = applyMessage(
        emptyMessage(this.guild.channelId, flags),
        data,
        body.files,
        this.attachmentUrl,
      );
    } else if (type === InteractionResponseType.DeferredChannelMessageWithSource) {
      interaction.original = emptyMessage(this.guild.channelId, flags | MessageFlags.Loading);
    }
    this.changed(interaction);
    if (query.get("with_response") !== "true") return { status: 204 };
    return {
      status: 200,
      json: {
        interaction: {
          id,
          type: interaction.type,
          response_message_id: interaction.original?.id,
          response_message_loading: type === InteractionResponseType.DeferredChannelMessageWithSource,
          response_message_ephemeral: (flags & MessageFlags.Ephemeral) !== 0,
        },
        resource: {
          type,
          ...(interaction.original ? { message: this.apiMessage(interaction.original) } : {}),
        },
      },
    };
  }

  private channelMessage(channelId: string, body: Parsed): Reply {
    if (channelId !== this.guild.channelId) return discordError(404, 10003, "Unknown Channel");
    const needed = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages;
    if ((this.botPermissions & needed) !== needed) return discordError(403, 50013, "Missing Permissions");
    const message = applyMessage(emptyMessage(channelId), body.json, body.files, this.attachmentUrl);
    this.channelMessages.push(message);
    this.channelHistory.push(message);
    this.emit("channel-message");
    return { status: 200, json: this.apiMessage(message) };
  }

  private editChannelMessage(channelId: string, messageId: string, body: Parsed): Reply {
    const index = this.channelMessages.findIndex((m) => m.id === messageId && m.channel_id === channelId);
    const current = this.channelMessages[index];
    if (!current) return discordError(404, 10008, "Unknown Message");
    const next = applyMessage(current, body.json, body.files, this.attachmentUrl);
    next.edited_timestamp = new Date(this.clock.now()).toISOString();
    this.channelMessages[index] = next;
    this.channelHistory.push(next);
    this.emit("channel-message");
    return { status: 200, json: this.apiMessage(next) };
  }

  private interactionByToken(
    appId: string | undefined,
    token: string | undefined,
  ): FakeInteraction | undefined {
    if (appId !== this.applicationId) return undefined;
    return [...this.interactions.values()].find((i) => i.token === token);
  }

  private followUp(appId: string, token: string, body: Parsed): Reply {
    const interaction = this.interactionByToken(appId, token);
    if (!interaction) return discordError(404, 10015, "Unknown Webhook");
    if (!interaction.callback) return discordError(404, 10015, "Unknown Webhook");
    const flags = typeof body.json?.flags === "number" ? body.json.flags : 0;
    const message = applyMessage(
      emptyMessage(this.guild.channelId, flags),
      body.json,
      body.files,
      this.attachmentUrl,
    );
    interaction.followUps.push(message);
    this.changed(interaction);
    return { status: 200, json: this.apiMessage(message) };
  }

  private webhookMessage(
    appId: string | undefined,
    token: string | undefined,
    messageId: string | undefined,
    edit: Parsed | "delete" | undefined,
  ): Reply {
    const interaction = this.interactionByToken(appId, token);
    if (!interaction) return discordError(404, 10015, "Unknown Webhook");
    const isOriginal = messageId === "@original";
    const current = isOriginal ? interaction.original : interaction.followUps.find((m) => m.id === messageId);
    if (!current) return discordError(404, 10008, "Unknown Message");
    if (edit === undefined) return { status: 200, json: this.apiMessage(current) };
    if (edit === "delete") {
      if (isOriginal) interaction.original = undefined;
      else interaction.followUps = interaction.followUps.filter((m) => m.id !== messageId);
      this.changed(interaction);
      return { status: 204 };
    }
    const next = applyMessage(current, edit.json, edit.files, this.attachmentUrl);
    next.flags &= ~MessageFlags.Loading;
    next.edited_timestamp = new Date().toISOString();
    if (isOriginal) {
      interaction.original = next;
      interaction.edits.push({ at: this.clock.now(), message: next });
    } else {
      interaction.followUps = interaction.followUps.map((m) => (m.id === messageId ? next : m));
    }
    this.changed(interaction);
    return { status: 200, json: this.apiMessage(next) };
  }
}

function optionType(value: string | number | boolean): ApplicationCommandOptionType {
  if (typeof value === "boolean") return ApplicationCommandOptionType.Boolean;
  if (typeof value === "number") {
    return Number.isInteger(value)
      ? ApplicationCommandOptionType.Integer
      : ApplicationCommandOptionType.Number;
  }
  return ApplicationCommandOptionType.String;
}

function describe(interaction: FakeInteraction): string {
  return JSON.stringify({
    callback: interaction.callback?.type,
    edits: interaction.edits.length,
    content: interaction.original?.content,
    embeds: interaction.original?.embeds.length,
  });
}

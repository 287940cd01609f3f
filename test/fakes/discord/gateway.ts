import { EventEmitter } from "node:events";
import { GatewayIntentBits, GatewayOpcodes } from "discord.js";
import type { WebSocket, WebSocketServer } from "ws";
import { type FakeGuild, type FakeUser, guildCreatePayload } from "./payloads.js";
import { snowflake } from "./snowflake.js";

/** Intents Discord only grants when switched on in the developer portal; asking without it closes 4014. */
const PRIVILEGED_INTENTS =
  GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;

export interface GatewayOptions {
  token: string;
  applicationId: string;
  bot: FakeUser;
  guild: FakeGuild;
  heartbeatIntervalMs: number;
  url: () => string;
  /** Privileged intents switched on for this bot in the developer portal (default none). */
  portalIntents?: number;
}

export interface IdentifyRecord {
  at: number;
  intents: number;
  shard: [number, number];
}

interface Session {
  socket: WebSocket;
  sequence: number;
  sessionId: string;
  shard: [number, number];
  ready: boolean;
}

/**
 * The v10 gateway, JSON encoding, no compression (discord.js only asks for zlib-stream when
 * zlib-sync is installed): HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME, and
 * dispatches that tests push (INTERACTION_CREATE) to the shard that owns the guild.
 */
export class FakeGateway extends EventEmitter {
  readonly identifies: IdentifyRecord[] = [];
  readonly heartbeats: number[] = [];
  private readonly sessions = new Set<Session>();

  constructor(
    wss: WebSocketServer,
    private readonly options: GatewayOptions,
  ) {
    super();
    wss.on("connection", (socket) => this.accept(socket));
  }

  get readySessions(): number {
    return [...this.sessions].filter((s) => s.ready).length;
  }

  /** Resolves once some session has received READY and its GUILD_CREATE. */
  async waitForReady(): Promise<void> {
    if (this.readySessions > 0) return;
    await new Promise<void>((resolve) => this.once("ready", () => resolve()));
  }

  /** Sends a dispatch to the session whose shard owns the test guild (shard = (guild_id >> 22) % count). */
  dispatch(type: string, data: unknown): void {
    const session = [...this.sessions].find(
      (s) => s.ready && Number((BigInt(this.options.guild.id) >> 22n) % BigInt(s.shard[1])) === s.shard[0],
    );
    if (!session) throw new Error(`fake gateway: no ready session to receive ${type}`);
    this.send(session, { op: GatewayOpcodes.Dispatch, t: type, d: data });
  }

  closeAll(code = 1001): void {
    for (const session of this.sessions) session.socket.close(code, "fake discord shutting down");
    this.sessions.clear();
  }

  private accept(socket: WebSocket): void {
    const session: Session = { socket, sequence: 0, sessionId: snowflake(), shard: [0, 1], ready: false };
    this.sessions.add(session);
    socket.on("close", () => this.sessions.delete(session));
    socket.on("message", (raw) => this.receive(session, raw.toString()));
    socket.send(
      JSON.stringify({
        op: GatewayOpcodes.Hello,
        d: { heartbeat_interval: this.options.heartbeatIntervalMs },
        s: null,
        t: null,
      }),
    );
  }

  private receive(session: Session, raw: string): void {
    let payload: { op: number; d: unknown };
    try {
      payload = JSON.parse(raw) as { op: number; d: unknown };
    } catch {
      session.socket.close(4002, "Error while decoding payload.");
      return;
    }
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        this.heartbeats.push(Date.now());
        session.socket.send(JSON.stringify({ op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null }));
        return;
      case GatewayOpcodes.Identify:
        this.identify(session, payload.d as { token: string; intents: number; shard?: [number, number] });
        return;
      case GatewayOpcodes.Resume: {
        const { token } = payload.d as { token: string };
        if (token !== this.options.token) session.socket.close(4004, "Authentication failed.");
        else this.send(session, { op: GatewayOpcodes.Dispatch, t: "RESUMED", d: {} });
        return;
      }
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.RequestGuildMembers:
        return;
      default:
        session.socket.close(4001, "Unknown opcode.");
    }
  }

  private identify(session: Session, d: { token: string; intents: number; shard?: [number, number] }): void {
    if (d.token !== this.options.token) {
      session.socket.close(4004, "Authentication failed.");
      return;
    }
    if (typeof d.intents !== "number") {
      session.socket.close(4013, "Invalid intent(s).");
      return;
    }
    if ((d.intents & PRIVILEGED_INTENTS & ~(this.options.portalIntents ?? 0)) !== 0) {
      session.socket.close(4014, "Disallowed intent(s).");
      return;
    }
    session.shard = d.shard ?? [0, 1];
    this.identifies.push({ at: Date.now(), intents: d.intents, shard: session.shard });
    const { guild, bot, applicationId } = this.options;
    this.send(session, {
      op: GatewayOpcodes.Dispatch,
      t: "READY",
      d: {
        v: 10,
        user: { ...bot, verified: true, mfa_enabled: false, flags: 0 },
        guilds: [{ id: guild.id, unavailable: true }],
        session_id: session.sessionId,
        resume_gateway_url: this.options.url(),
        shard: session.shard,
        application: { id: applicationId, flags: 0 },
        private_channels: [],
        presences: [],
        relationships: [],
        user_settings: {},
        guild_join_requests: [],
        geo_ordered_rtc_regions: [],
        _trace: ["fake-discord"],
      },
    });
    this.send(session, { op: GatewayOpcodes.Dispatch, t: "GUILD_CREATE", d: guildCreatePayload(guild, bot) });
    session.ready = true;
    this.emit("ready");
  }

  private send(session: Session, payload: { op: number; t?: string; d: unknown }): void {
    const isDispatch = payload.op === GatewayOpcodes.Dispatch;
    if (isDispatch) session.sequence++;
    session.socket.send(
      JSON.stringify({ ...payload, s: isDispatch ? session.sequence : null, t: payload.t ?? null }),
    );
  }
}

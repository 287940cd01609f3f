import { ChannelType, PermissionFlagsBits } from "discord.js";
import { snowflake } from "./snowflake.js";

/**
 * Builders for the v10 JSON objects the fake sends to discord.js: just the fields the real gateway
 * and REST API send that discord.js reads, with realistic shapes (string snowflakes, string
 * permission bitfields, ISO timestamps).
 */

export interface FakeUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: "0";
  avatar: null;
  bot?: boolean;
}

export function userPayload(username: string, options: { bot?: boolean; id?: string } = {}): FakeUser {
  return {
    id: options.id ?? snowflake(),
    username,
    global_name: options.bot ? null : username,
    discriminator: "0",
    avatar: null,
    ...(options.bot ? { bot: true } : {}),
  };
}

/** What a plain member may do: read, write and use slash commands, but not manage the server. */
export const MEMBER_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.UseApplicationCommands;

export const ADMIN_PERMISSIONS = MEMBER_PERMISSIONS | PermissionFlagsBits.ManageGuild;

export interface FakeGuild {
  id: string;
  name: string;
  channelId: string;
  ownerId: string;
}

export function memberPayload(user: FakeUser, permissions?: bigint) {
  return {
    user,
    nick: null,
    avatar: null,
    roles: [],
    joined_at: new Date(Date.now() - 86_400_000).toISOString(),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    communication_disabled_until: null,
    ...(permissions === undefined ? {} : { permissions: permissions.toString() }),
  };
}

export function textChannelPayload(guild: FakeGuild) {
  return {
    id: guild.channelId,
    type: ChannelType.GuildText,
    guild_id: guild.id,
    name: "music",
    position: 0,
    permission_overwrites: [],
    nsfw: false,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    parent_id: null,
  };
}

/** GUILD_CREATE as sent after READY for a guild that was listed as unavailable. */
export function guildCreatePayload(guild: FakeGuild, bot: FakeUser) {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [
      {
        id: guild.id,
        name: "@everyone",
        color: 0,
        colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: 0,
        permissions: MEMBER_PERMISSIONS.toString(),
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: guild.channelId,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    premium_subscription_count: 0,
    preferred_locale: "en-US",
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null,
    joined_at: new Date().toISOString(),
    large: false,
    unavailable: false,
    member_count: 2,
    voice_states: [],
    members: [memberPayload(bot)],
    channels: [textChannelPayload(guild)],
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export interface StoredAttachment {
  id: string;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type?: string;
  /** Alt text, from the message's `attachments[].description`. */
  description?: string;
  /** The uploaded bytes, kept so tests can inspect what the bot really sent. */
  bytes: Uint8Array;
}

/** A message as the fake stores it; `toApiMessage` strips the bytes for the wire. */
export interface StoredMessage {
  id: string;
  channel_id: string;
  content: string;
  embeds: Array<Record<string, unknown>>;
  components: Array<Record<string, unknown>>;
  attachments: StoredAttachment[];
  flags: number;
  allowed_mentions?: unknown;
  timestamp: string;
  edited_timestamp: string | null;
}

export function toApiMessage(message: StoredMessage, bot: FakeUser, applicationId: string, guildId: string) {
  return {
    ...message,
    attachments: message.attachments.map(({ bytes: _bytes, ...attachment }) => attachment),
    type: 20,
    guild_id: guildId,
    author: bot,
    webhook_id: applicationId,
    application_id: applicationId,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    pinned: false,
  };
}

import type { IncomingMessage } from "node:http";
import type { StoredAttachment, StoredMessage } from "./payloads.js";
import { snowflake } from "./snowflake.js";

export interface UploadedFile {
  /** The multipart field, e.g. `files[0]`, which `attachments[].id` refers to. */
  field: string;
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}

export interface ParsedBody {
  json: Record<string, unknown> | undefined;
  files: UploadedFile[];
}

/**
 * Reads a REST body the way Discord does: plain JSON, or multipart/form-data with the JSON in
 * `payload_json` and uploads in `files[n]`. Parsing goes through the WHATWG `Request.formData()`
 * multipart parser, so a malformed upload from the bot fails here as it would against Discord.
 */
export async function parseBody(req: IncomingMessage): Promise<ParsedBody> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const type = req.headers["content-type"] ?? "";
  if (raw.length === 0) return { json: undefined, files: [] };
  if (type.startsWith("application/json")) {
    return { json: JSON.parse(raw.toString("utf8")) as Record<string, unknown>, files: [] };
  }
  if (!type.startsWith("multipart/form-data")) throw new Error(`unsupported content-type ${type}`);
  const form = await new Request("http://fake.invalid/", {
    method: "POST",
    headers: { "content-type": type },
    body: raw,
  }).formData();
  let json: Record<string, unknown> | undefined;
  const files: UploadedFile[] = [];
  for (const [field, value] of form.entries()) {
    if (typeof value === "string") {
      if (field === "payload_json") json = JSON.parse(value) as Record<string, unknown>;
      continue;
    }
    files.push({
      field,
      filename: value.name,
      contentType: value.type,
      bytes: new Uint8Array(await value.arrayBuffer()),
    });
  }
  return { json, files };
}

export type AttachmentUrl = (channelId: string, attachmentId: string, filename: string) => string;

/**
 * Applies a create or edit to a message with Discord's semantics: fields left out stay as they
 * were; `attachments` (when present) is the complete list to keep, where an entry whose id is an
 * upload index refers to `files[id]` and any other id keeps an existing attachment; embeds that
 * point at `attachment://name` are rewritten to that attachment's URL.
 */
export function applyMessage(
  base: StoredMessage,
  body: Record<string, unknown> | undefined,
  files: UploadedFile[],
  attachmentUrl: AttachmentUrl,
): StoredMessage {
  const next: StoredMessage = { ...base };
  const data = body ?? {};
  if ("content" in data) next.content = typeof data.content === "string" ? data.content : "";
  if ("embeds" in data) next.embeds = (data.embeds as StoredMessage["embeds"] | null) ?? [];
  if ("components" in data) next.components = (data.components as StoredMessage["components"] | null) ?? [];
  if (typeof data.flags === "number") next.flags = data.flags;
  if ("allowed_mentions" in data) next.allowed_mentions = data.allowed_mentions;

  const upload = (file: UploadedFile, filename?: string, description?: string): StoredAttachment => {
    const id = snowflake();
    const name = filename ?? file.filename;
    const url = attachmentUrl(base.channel_id, id, name);
    return {
      id,
      filename: name,
      size: file.bytes.length,
      url,
      proxy_url: url,
      content_type: file.contentType,
      ...(description ? { description } : {}),
      bytes: file.bytes,
    };
  };
  if (Array.isArray(data.attachments)) {
    next.attachments = (
      data.attachments as Array<{ id: string | number; filename?: string; description?: string }>
    ).flatMap((entry) => {
      const file = files.find((f) => f.field === `files[${entry.id}]`);
      if (file) return [upload(file, entry.filename, entry.description)];
      const kept = base.attachments.find((a) => a.id === String(entry.id));
      return kept ? [kept] : [];
    });
  } else if (files.length > 0) {
    next.attachments = [...base.attachments, ...files.map((file) => upload(file))];
  }
  next.embeds = next.embeds.map((embed) => resolveAttachmentUrls(embed, next.attachments));
  return next;
}

function resolveAttachmentUrls(
  embed: Record<string, unknown>,
  attachments: StoredAttachment[],
): Record<string, unknown> {
  const resolved = { ...embed };
  for (const key of ["image", "thumbnail"] as const) {
    const media = embed[key] as { url?: string } | undefined;
    const name = media?.url?.startsWith("attachment://")
      ? media.url.slice("attachment://".length)
      : undefined;
    const attachment = name ? attachments.find((a) => a.filename === name) : undefined;
    if (attachment) resolved[key] = { ...media, url: attachment.url, proxy_url: attachment.proxy_url };
  }
  return resolved;
}

export function emptyMessage(channelId: string, flags = 0): StoredMessage {
  return {
    id: snowflake(),
    channel_id: channelId,
    content: "",
    embeds: [],
    components: [],
    attachments: [],
    flags,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
  };
}

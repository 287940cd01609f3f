import type { Attachment } from "discord.js";
import { type Dispatcher, request } from "undici";
import { UserFacingError } from "../errors.js";

/**
 * Downloads a member's uploaded recording. Only Discord's own CDN is trusted (the URL arrives in
 * an interaction payload, so it is checked rather than followed blindly), the declared size is
 * checked before any byte is fetched, the stream is cut off at the cap, and the whole transfer
 * is bounded in time.
 */

export const DISCORD_CDN_HOSTS = ["cdn.discordapp.com", "media.discordapp.net"] as const;

export interface AttachmentLimits {
  maxBytes: number;
  timeoutMs: number;
  /** Routes the connection; tests pass one that reaches the fake Discord CDN on loopback. */
  dispatcher?: Dispatcher;
}

type Upload = Pick<Attachment, "url" | "size" | "name" | "contentType">;

/** Types a recording can't have; anything else (audio/*, video/*, octet-stream, none) goes to the decoder. */
const NOT_AUDIO = /^(image|text|font|model)\/|^application\/(pdf|zip|json|x-msdownload)/i;

export function checkUpload(upload: Upload, maxBytes: number): void {
  if (upload.contentType && NOT_AUDIO.test(upload.contentType)) {
    throw new UserFacingError(
      "not-audio",
      `“${upload.name}” doesn't look like audio. Upload an MP3, WAV, OGG or FLAC recording.`,
    );
  }
  if (upload.size > maxBytes) {
    throw new UserFacingError(
      "file-too-large",
      `“${upload.name}” is ${megabytes(upload.size)} MB; I can listen to files up to ${megabytes(maxBytes)} MB.`,
    );
  }
}

export async function downloadAttachment(upload: Upload, limits: AttachmentLimits): Promise<Uint8Array> {
  checkUpload(upload, limits.maxBytes);
  const url = new URL(upload.url);
  if (url.protocol !== "https:" || !(DISCORD_CDN_HOSTS as readonly string[]).includes(url.hostname)) {
    throw new UserFacingError("attachment-host", "I only download files uploaded to Discord itself.");
  }
  const failed = (cause: unknown) =>
    new UserFacingError(
      "attachment-download",
      `I couldn't download “${upload.name}” from Discord. Try again?`,
      {
        cause,
      },
    );
  const signal = AbortSignal.timeout(limits.timeoutMs);
  let response: Dispatcher.ResponseData;
  try {
    response = await request(url, {
      method: "GET",
      signal,
      headersTimeout: limits.timeoutMs,
      bodyTimeout: limits.timeoutMs,
      ...(limits.dispatcher ? { dispatcher: limits.dispatcher } : {}),
    });
  } catch (error) {
    throw failed(error);
  }
  const { statusCode, body } = response;
  try {
    if (statusCode !== 200) throw failed(new Error(`HTTP ${statusCode}`));
    const chunks: Buffer[] = [];
    let received = 0;
    for await (const chunk of body) {
      received += (chunk as Buffer).length;
      // The declared size can lie; the cap is what protects memory.
      if (received > limits.maxBytes) checkUpload({ ...upload, size: received }, limits.maxBytes);
      chunks.push(chunk as Buffer);
    }
    return new Uint8Array(Buffer.concat(chunks, received));
  } catch (error) {
    throw error instanceof UserFacingError ? error : failed(error);
  } finally {
    body.destroy();
  }
}

function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0);
}

import type { Attachment } from "discord.js";
import type { Dispatcher } from "undici";
import { UserFacingError } from "../errors.js";
import { fetchAudio } from "../http/index.js";

/**
 * Downloads a member's uploaded recording through genrebot's one downloader (`fetchAudio`): only
 * Discord's own CDN is on its allow-list for uploads (the URL arrives in an interaction payload,
 * so it is checked rather than followed blindly), redirects are re-checked, the stream is cut off
 * at the cap and each attempt is bounded in time. What is Discord-specific stays here: the
 * declared size and type are checked before any byte is fetched, and failures are worded for the
 * member who uploaded the file.
 */

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
  try {
    const { bytes } = await fetchAudio(upload.url, "discord", {
      maxBytes: limits.maxBytes,
      timeoutMs: limits.timeoutMs,
      dispatcher: limits.dispatcher,
    });
    return bytes;
  } catch (error) {
    throw forTheMember(error, upload, limits.maxBytes);
  }
}

/** The downloader speaks of providers; a member wants to hear about their own file. */
function forTheMember(error: unknown, upload: Upload, maxBytes: number): UserFacingError {
  const code = error instanceof UserFacingError ? error.code : undefined;
  if (code === "host-not-allowed") {
    return new UserFacingError("attachment-host", "I only download files uploaded to Discord itself.", {
      cause: error,
    });
  }
  if (code === "too-large") {
    // The declared size can lie; the cap enforced while streaming is what protects memory.
    return new UserFacingError(
      "file-too-large",
      `“${upload.name}” is bigger than ${megabytes(maxBytes)} MB, the most I can listen to.`,
      { cause: error },
    );
  }
  return new UserFacingError(
    "attachment-download",
    `I couldn't download “${upload.name}” from Discord. Try again?`,
    { cause: error },
  );
}

function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0);
}

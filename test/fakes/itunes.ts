import path from "node:path";
import { type FakeHttps, sendFile } from "./https.js";

/** Fake iTunes Search API (`/search`, served as text/javascript like Apple's) and preview host. */

export interface FakeItunesSong {
  trackId: number;
  trackName: string;
  artistName: string;
  trackTimeMillis: number;
  /** A real audio file; its extension becomes the preview URL's. */
  previewFile: string;
}

const CONTENT_TYPES: Record<string, string> = { ".m4a": "audio/x-m4a", ".mp3": "audio/mpeg" };

export function addFakeItunes(https: FakeHttps, songs: FakeItunesSong[]): void {
  https.route("itunes.apple.com", (_request, response, url) => {
    if (url.pathname !== "/search") {
      response.writeHead(404, { "content-type": "text/html" }).end("Not Found");
      return;
    }
    const words = wordsOf(url.searchParams.get("term") ?? "");
    const limit = Number(url.searchParams.get("limit") ?? 50);
    const found = songs.filter((song) => {
      const haystack = wordsOf(`${song.artistName} ${song.trackName}`);
      return words.every((word) => haystack.includes(word));
    });
    // Apple pads its JSON with blank lines.
    const body = `\n\n\n${JSON.stringify({
      resultCount: Math.min(limit, found.length),
      results: found.slice(0, limit).map(result),
    })}\n`;
    response.writeHead(200, {
      "content-type": "text/javascript; charset=utf-8",
      "content-length": Buffer.byteLength(body),
    });
    response.end(body);
  });

  https.route("audio-ssl.itunes.apple.com", async (_request, response, url) => {
    const id = Number(/mzaf_(\d+)\./.exec(url.pathname)?.[1]);
    const song = songs.find((s) => s.trackId === id);
    if (!song) {
      response.writeHead(404, { "content-type": "text/html" }).end("Not Found");
      return;
    }
    await sendFile(
      response,
      song.previewFile,
      CONTENT_TYPES[path.extname(song.previewFile)] ?? "application/octet-stream",
    );
  });
}

function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

function result(song: FakeItunesSong) {
  const collectionId = song.trackId + 1_000_000;
  return {
    wrapperType: "track",
    kind: "song",
    artistId: song.trackId + 2_000_000,
    collectionId,
    trackId: song.trackId,
    artistName: song.artistName,
    collectionName: `${song.trackName} - Single`,
    trackName: song.trackName,
    collectionCensoredName: `${song.trackName} - Single`,
    trackCensoredName: song.trackName,
    trackViewUrl: `https://music.apple.com/us/album/${collectionId}?i=${song.trackId}&uo=4`,
    previewUrl: `https://audio-ssl.itunes.apple.com/itunes-assets/AudioPreview125/v4/${song.trackId}/mzaf_${song.trackId}.plus.aac.p${path.extname(song.previewFile)}`,
    artworkUrl100: `https://is1-ssl.mzstatic.com/image/thumb/Music/v4/${collectionId}/100x100bb.jpg`,
    releaseDate: "2016-01-01T12:00:00Z",
    collectionExplicitness: "notExplicit",
    trackExplicitness: "notExplicit",
    discCount: 1,
    discNumber: 1,
    trackCount: 1,
    trackNumber: 1,
    trackTimeMillis: song.trackTimeMillis,
    country: "USA",
    currency: "USD",
    primaryGenreName: "Pop",
    isStreamable: true,
  };
}

import { fetchJson, type HttpOptions } from "../http/index.js";

/** Apple's iTunes Search API (no key; about 20 requests a minute per IP). */
export interface ItunesSong {
  trackName: string;
  artistName: string;
  trackTimeMillis: number;
  previewUrl: string;
}

export async function searchItunes(artist: string, title: string, http?: HttpOptions): Promise<ItunesSong[]> {
  const term = encodeURIComponent(`${artist} ${title}`);
  const reply = (await fetchJson(
    `https://itunes.apple.com/search?term=${term}&entity=song&limit=10`,
    "itunes",
    http,
  )) as {
    results?: unknown;
  } | null;
  if (!Array.isArray(reply?.results)) return [];
  return reply.results.flatMap((item: Partial<ItunesSong>) =>
    typeof item.trackName === "string" &&
    typeof item.artistName === "string" &&
    typeof item.previewUrl === "string"
      ? [
          {
            trackName: item.trackName,
            artistName: item.artistName,
            trackTimeMillis: typeof item.trackTimeMillis === "number" ? item.trackTimeMillis : 0,
            previewUrl: item.previewUrl,
          },
        ]
      : [],
  );
}

export type SpotifyLinkKind = "track" | "album" | "playlist";

export interface SpotifyLink {
  kind: SpotifyLinkKind;
  id: string;
}

const ID = "[A-Za-z0-9]{22}";
const URI = new RegExp(`^spotify:(track|album|playlist):(${ID})$`);
// Path after the host: an optional locale segment ("intl-de", "intl-pt-BR") or "embed", then kind/id.
const PATH = new RegExp(`^/(?:intl-[a-z]{2}(?:-[a-z]{2})?/|embed/)?(track|album|playlist)/(${ID})/?$`, "i");
const SPOTIFY_ID = new RegExp(`^${ID}$`);

/**
 * Recognises a Spotify track/album/playlist link or URI, as pasted into Discord (including the
 * `<…>` people use to suppress embeds). Returns undefined for anything else.
 */
export function parseSpotifyLink(text: string): SpotifyLink | undefined {
  const trimmed = text.trim().replace(/^<(.*)>$/, "$1");
  const uri = URI.exec(trimmed);
  if (uri) return { kind: uri[1] as SpotifyLinkKind, id: uri[2] as string };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  if (url.hostname !== "open.spotify.com") return undefined;
  const path = PATH.exec(url.pathname);
  if (!path) return undefined;
  return { kind: (path[1] as string).toLowerCase() as SpotifyLinkKind, id: path[2] as string };
}

/** True for text that is meant as a link or URI (so failing to parse it is a bad link, not a search). */
export function looksLikeLink(text: string): boolean {
  return /^<?\s*(?:https?:\/\/|spotify:|open\.spotify\.com)/i.test(text.trim());
}

export function isSpotifyId(text: string): boolean {
  return SPOTIFY_ID.test(text);
}

/**
 * The only hosts genrebot downloads from, in one place. Previews are fetched from URLs that
 * third-party APIs hand us, so anything not listed here (a redirect to an internal address, a
 * look-alike domain) is refused before a connection is made.
 */
export type Provider = "spotify" | "deezer" | "itunes" | "discord";

/** "audio" hosts serve preview files; "api" hosts serve JSON. */
export type HostKind = "audio" | "api";

type HostPattern = string | RegExp;

export const ALLOWED_HOSTS: Record<Provider, Record<HostKind, readonly HostPattern[]>> = {
  spotify: {
    audio: ["p.scdn.co"],
    // Used by spotify-web-api-node (which has its own HTTP client); listed so the list is complete.
    api: ["api.spotify.com", "accounts.spotify.com"],
  },
  deezer: {
    audio: [/^cdns-preview-[a-z0-9]+\.dzcdn\.net$/, "cdnt-preview.dzcdn.net"],
    api: ["api.deezer.com"],
  },
  itunes: {
    audio: ["audio-ssl.itunes.apple.com", /^[a-z0-9-]+\.mzstatic\.com$/],
    api: ["itunes.apple.com"],
  },
  // Members' uploads to /genre only: no preview source is ever "discord", so a provider's API
  // can't point genrebot at Discord's CDN, nor an interaction payload at anything else.
  discord: {
    audio: ["cdn.discordapp.com", "media.discordapp.net"],
    api: [],
  },
};

export function isAllowedHost(provider: Provider, kind: HostKind, hostname: string): boolean {
  const host = hostname.toLowerCase();
  return ALLOWED_HOSTS[provider][kind].some((pattern) =>
    typeof pattern === "string" ? pattern === host : pattern.test(host),
  );
}

export const PROVIDER_NAMES: Record<Provider, string> = {
  spotify: "Spotify",
  deezer: "Deezer",
  itunes: "Apple Music",
  discord: "Discord",
};

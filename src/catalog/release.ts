/**
 * "Is this the same song?" for recommendations: the same recording is often in a catalog several times
 * (album, single, remaster, compilation), each with its own Spotify id. Recommending the track a member
 * asked about under another id would be useless, so similar() drops every release of the query.
 */
export interface ReleaseIdentity {
  id: string;
  isrc?: string;
  title: string;
  artists: readonly string[];
}

/** Lowercase, accents and punctuation removed, so "Beyoncé" and "BEYONCE!" compare equal. */
function fold(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/**
 * The song's title without release decorations: "(Remastered 2011)", "[Live]", "- Radio Edit",
 * "feat. X". Spotify appends these after " - " or in brackets.
 */
export function normaliseTitle(title: string): string {
  const bare = title
    .replace(/\([^)]*\)|\[[^\]]*\]/g, " ")
    .replace(/\s+-\s+.*$/, "")
    .replace(/\s(?:feat|ft|featuring)\.?\s.*$/i, "");
  return fold(bare) || fold(title);
}

export function normaliseArtist(artist: string): string {
  return fold(artist);
}

/**
 * Same id, same ISRC, or the same normalised title by at least one common artist ("Song" by A equals
 * "Song - Remastered" by A & B). Tracks without artists (uploads) only match by id: two uploads that
 * happen to share a file name are not the same song.
 */
export function isSameRelease(a: ReleaseIdentity, b: ReleaseIdentity): boolean {
  if (a.id === b.id) return true;
  if (a.isrc && b.isrc && a.isrc.toUpperCase() === b.isrc.toUpperCase()) return true;
  if (a.artists.length === 0 || b.artists.length === 0) return false;
  if (normaliseTitle(a.title) !== normaliseTitle(b.title)) return false;
  return sharesArtist(a.artists, b.artists);
}

/** True when the two tracks share any artist (after normalisation). */
export function sharesArtist(a: readonly string[], b: readonly string[]): boolean {
  const artistsOfA = new Set(a.map(normaliseArtist));
  return b.some((artist) => artistsOfA.has(normaliseArtist(artist)));
}

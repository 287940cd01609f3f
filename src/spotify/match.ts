import { UserFacingError } from "../errors.js";
import { looksLikeLink } from "./links.js";
/**
 * Deciding whether a Deezer or iTunes search hit is the same recording as a Spotify track. Titles
 * differ in decoration across services ("Song - Remastered 2011", "Song (feat. X)"), so both sides
 * are normalised before comparing; the duration check keeps live versions and edits out.
 */
export interface Candidate {
  title: string;
  artist: string;
  durationMs: number;
}

export const MAX_DURATION_DIFFERENCE_MS = 3000;

const VERSION_WORDS = "remaster(?:ed)?|version|edit|mix|mono|stereo|live|deluxe|single|bonus|anniversary";
const DASH_SUFFIX = new RegExp(`\\s+[-–—]\\s+[^-–—]*\\b(?:${VERSION_WORDS})\\b.*$`, "i");
const BRACKETED_VERSION = new RegExp(`\\s*[([][^)\\]]*\\b(?:${VERSION_WORDS})\\b[^)\\]]*[)\\]]`, "gi");
// "(with X)" only in brackets: a bare "with" is part of many titles ("Stay With Me").
const FEATURING =
  /\s*[([]\s*(?:feat\.?|ft\.?|featuring|with)\s[^)\]]*[)\]]|\s+(?:feat\.|ft\.|featuring)\s.*$/gi;

function basic(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The title without version and featuring decorations, as typed into another service's search. */
export function searchableTitle(title: string): string {
  return title.replace(DASH_SUFFIX, "").replace(BRACKETED_VERSION, "").replace(FEATURING, "").trim();
}

export function normaliseTitle(title: string): string {
  return basic(searchableTitle(title));
}

/** The individual artist names in a credit such as "A feat. B", "A & B" or "A, B". */
function artistNames(credit: string): string[] {
  return credit
    .split(/\s*(?:,|&|\band\b|\bx\b|\bfeat\.?|\bft\.?|\bfeaturing\b|\bwith\b)\s*/i)
    .map(basic)
    .filter((name) => name.length > 0);
}

export function isSameRecording(
  track: { title: string; artists: string[]; durationMs: number },
  candidate: Candidate,
): boolean {
  if (Math.abs(track.durationMs - candidate.durationMs) > MAX_DURATION_DIFFERENCE_MS) return false;
  if (normaliseTitle(track.title) !== normaliseTitle(candidate.title)) return false;
  const credited = new Set(artistNames(candidate.artist));
  credited.add(basic(candidate.artist));
  return track.artists.some((artist) => credited.has(basic(artist)));
}

/** For fielded queries (`track:"…"`): a quote inside the value would end the field early. */
export function unquote(text: string): string {
  return text.replace(/"/g, " ").trim();
}

/**
 * What a finder's `search(artist, song)` was asked for: a link pasted into either field, or the
 * title and artist ready for a fielded query. Both empty is refused in one sentence.
 */
export function searchTerms(artist: string, song: string): { link: string } | { title: string; by: string } {
  const link = [song, artist].find(looksLikeLink);
  if (link) return { link };
  const title = unquote(song);
  const by = unquote(artist);
  if (!title && !by)
    throw new UserFacingError("not-found", "Tell me a song title (and ideally the artist) to look for.");
  return { title, by };
}

/** The one sentence for a search that found nothing on `service`. */
export function notFoundOn(service: string, artist: string, song: string): UserFacingError {
  return new UserFacingError(
    "not-found",
    unquote(artist)
      ? `I couldn't find “${song.trim()}” by ${artist.trim()} on ${service}.`
      : `I couldn't find “${song.trim()}” on ${service}.`,
  );
}

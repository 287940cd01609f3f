import type { TrackRecord } from "../../src/catalog/index.js";

/** The training code's seeded PRNG (mulberry32): the same cases on every run. */
export { seededRandom } from "../../src/classifier/model/rng.js";

/** Standard normal sample (Box–Muller). */
export function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() || Number.MIN_VALUE)) * Math.cos(2 * Math.PI * random());
}

export function normalise(vector: Float32Array): Float32Array {
  const norm = Math.hypot(...vector);
  return vector.map((v) => v / norm);
}

export function randomUnitVector(dims: number, random: () => number): Float32Array {
  return normalise(Float32Array.from({ length: dims }, () => gaussian(random)));
}

export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

export const GENRES = ["classical", "electronic", "pop", "rock"] as const;

/** The id syntheticRecord(n) gets: 22 characters, like a Spotify id. */
export function syntheticId(n: number): string {
  return `synthetic${String(n).padStart(13, "0")}`;
}

/** A plausible record: Spotify-like id, two genres, the given (unit) embedding. */
export function syntheticRecord(
  n: number,
  embedding: Float32Array,
  overrides: Partial<TrackRecord> = {},
): TrackRecord {
  const genre = overrides.topGenre ?? GENRES[n % GENRES.length] ?? "pop";
  const other = GENRES.find((g) => g !== genre) ?? "rock";
  return {
    id: syntheticId(n),
    isrc: `QZSYN${String(n).padStart(7, "0")}`,
    title: `Synthetic Song ${n}`,
    artists: [`Artist ${n % 97}`],
    album: `Album ${n % 31}`,
    artworkUrl: `https://i.scdn.co/image/ab67616d0000b273${String(n).padStart(24, "0")}`,
    spotifyUrl: `https://open.spotify.com/track/${syntheticId(n)}`,
    previewSource: "spotify",
    genres: [
      { genre, probability: 0.8 },
      { genre: other, probability: 0.2 },
    ],
    topGenre: genre,
    embedding,
    modelVersion: "test-model-1",
    indexedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n % 60)).toISOString(),
    ...overrides,
  };
}

/**
 * What an older genrebot stored for a song the fakes serve: model `modelVersion`, a random 32-d
 * embedding, heard by one server in month `n` of 2025 — a record reindex must re-analyse.
 */
export function olderModelRecord(
  n: number,
  song: { spotifyId: string; title: string; artists: string[]; isrc?: string },
  { modelVersion, server, random }: { modelVersion: string; server: string; random: () => number },
): TrackRecord {
  const heardAt = `2025-${String(n).padStart(2, "0")}-01T00:00:00.000Z`;
  return syntheticRecord(n, randomUnitVector(32, random), {
    id: song.spotifyId,
    title: song.title,
    artists: song.artists,
    isrc: song.isrc,
    spotifyUrl: `https://open.spotify.com/track/${song.spotifyId}`,
    previewSource: "deezer",
    modelVersion,
    indexedAt: heardAt,
    heardIn: { [server]: heardAt },
  });
}

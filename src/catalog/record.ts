import type { GenreScore } from "../classifier/index.js";

/** One analysed track as the catalog keeps it. */
export interface TrackRecord {
  /** Spotify id, or "file:<sha256-prefix>" for uploads. */
  id: string;
  isrc?: string;
  title: string;
  artists: string[];
  album?: string;
  artworkUrl?: string;
  spotifyUrl?: string;
  /** Set for tracks found on Deezer (a bot without Spotify access). */
  deezerUrl?: string;
  previewSource?: string;
  /** Sorted, highest first. */
  genres: GenreScore[];
  topGenre: string;
  /** L2-normalised; its length is whatever the model that made it produces. */
  embedding: Float32Array;
  modelVersion: string;
  /** When the track was first indexed; kept when a newer model re-analyses it. */
  indexedAt: string;
  /** When a newer model last re-analysed it (`genrebot reindex`, the bot's background pass). */
  reanalysedAt?: string;
  /**
   * The servers (Discord guild ids) that heard this track, each with when it first did. A record
   * with none belongs to no server: indexed from the CLI, or stored before servers were recorded.
   */
  heardIn?: Record<string, string>;
}

/**
 * Version of the stored layout. A reader skips records with a schema it does not know (written by a
 * newer genrebot) instead of guessing at their fields.
 */
export const RECORD_SCHEMA = 1;

/** A stored value that is not a readable record: logged and skipped, never fatal. */
export class RecordFormatError extends Error {}

const OPTIONAL_TEXT = [
  "isrc",
  "album",
  "artworkUrl",
  "spotifyUrl",
  "deezerUrl",
  "previewSource",
  "reanalysedAt",
] as const;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Float32 rounding and a model's own normalisation leave norms this close to 1. */
const NORM_TOLERANCE = 1e-3;

/**
 * Float32 → little-endian bytes → base64: a 64-dim embedding costs 344 characters instead of ~1 300 as
 * a JSON number list, and decodes bit-exact. Explicit LE so a store written on one machine reads on any.
 */
function encodeEmbedding(embedding: Float32Array): string {
  const bytes = Buffer.alloc(embedding.length * 4);
  embedding.forEach((value, i) => {
    bytes.writeFloatLE(value, i * 4);
  });
  return bytes.toString("base64");
}

function decodeEmbedding(text: string): Float32Array {
  // Buffer.from silently drops characters that are not base64, so check first: a truncated or
  // garbled value must be rejected, not read as a shorter vector.
  if (!BASE64.test(text)) throw new RecordFormatError("embedding is not base64");
  const bytes = Buffer.from(text, "base64");
  if (bytes.length === 0 || bytes.length % 4 !== 0) {
    throw new RecordFormatError(`embedding has ${bytes.length} bytes, not a whole number of float32s`);
  }
  const embedding = new Float32Array(bytes.length / 4);
  for (let i = 0; i < embedding.length; i++) embedding[i] = bytes.readFloatLE(i * 4);
  return embedding;
}

function isGenreScore(value: unknown): value is GenreScore {
  if (typeof value !== "object" || value === null) return false;
  const { genre, probability } = value as Record<string, unknown>;
  return typeof genre === "string" && typeof probability === "number" && Number.isFinite(probability);
}

/** Checks everything a similarity search relies on; `where` names the source in the message. */
function checkShape(record: Record<string, unknown>, where: string): void {
  const fail = (reason: string): never => {
    throw new RecordFormatError(`${where}: ${reason}`);
  };
  for (const field of ["id", "title", "topGenre", "modelVersion", "indexedAt"]) {
    if (typeof record[field] !== "string") fail(`${field} is not text`);
  }
  if (record.id === "") fail("id is empty");
  for (const field of OPTIONAL_TEXT) {
    if (record[field] !== undefined && typeof record[field] !== "string") fail(`${field} is not text`);
  }
  const { artists, genres, heardIn } = record;
  if (!Array.isArray(artists) || !artists.every((a) => typeof a === "string")) fail("artists is not a list");
  if (
    heardIn !== undefined &&
    (typeof heardIn !== "object" ||
      heardIn === null ||
      Array.isArray(heardIn) ||
      !Object.values(heardIn).every((at) => typeof at === "string"))
  ) {
    fail("heardIn is not a map of server ids to times");
  }
  if (!Array.isArray(genres) || genres.length === 0 || !genres.every(isGenreScore)) fail("genres malformed");
}

function checkEmbedding(embedding: Float32Array, where: string): void {
  let sum = 0;
  for (const value of embedding) {
    if (!Number.isFinite(value)) throw new RecordFormatError(`${where}: embedding has a non-finite value`);
    sum += value * value;
  }
  // All zeros is allowed: the model leaves a directionless embedding as is; it scores 0 against everything.
  if (sum !== 0 && Math.abs(Math.sqrt(sum) - 1) > NORM_TOLERANCE) {
    throw new RecordFormatError(`${where}: embedding is not L2-normalised (norm ${Math.sqrt(sum)})`);
  }
}

/** Throws a RecordFormatError naming what is wrong, before anything is written. */
export function validateRecord(record: TrackRecord): void {
  const where = `record ${JSON.stringify(record.id)}`;
  checkShape(record as unknown as Record<string, unknown>, where);
  if (!(record.embedding instanceof Float32Array) || record.embedding.length === 0) {
    throw new RecordFormatError(`${where}: embedding is not a Float32Array`);
  }
  checkEmbedding(record.embedding, where);
}

/** The stored form: plain JSON with the schema version and a base64 embedding. */
export function encodeRecord(record: TrackRecord): string {
  const stored: Record<string, unknown> = {
    schema: RECORD_SCHEMA,
    id: record.id,
    title: record.title,
    artists: record.artists,
    genres: record.genres.map(({ genre, probability }) => ({ genre, probability })),
    topGenre: record.topGenre,
    embedding: encodeEmbedding(record.embedding),
    modelVersion: record.modelVersion,
    indexedAt: record.indexedAt,
  };
  for (const field of OPTIONAL_TEXT) {
    if (record[field] !== undefined) stored[field] = record[field];
  }
  if (record.heardIn && Object.keys(record.heardIn).length > 0) stored.heardIn = record.heardIn;
  return JSON.stringify(stored);
}

/**
 * Parses and validates a stored value. `key` is the id it was stored under: a record that claims
 * another id is as unusable as one that does not parse.
 */
export function decodeRecord(raw: unknown, key: string): TrackRecord {
  const where = `stored record ${JSON.stringify(key)}`;
  if (typeof raw !== "string") throw new RecordFormatError(`${where}: value is not text`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new RecordFormatError(`${where}: not valid JSON`);
  }
  if (typeof parsed !== "object" || parsed === null) throw new RecordFormatError(`${where}: not an object`);
  const stored = parsed as Record<string, unknown>;
  if (stored.schema !== RECORD_SCHEMA) {
    throw new RecordFormatError(`${where}: schema ${String(stored.schema)} is not ${RECORD_SCHEMA}`);
  }
  checkShape(stored, where);
  if (stored.id !== key) throw new RecordFormatError(`${where}: claims id ${JSON.stringify(stored.id)}`);
  if (typeof stored.embedding !== "string") throw new RecordFormatError(`${where}: embedding missing`);
  const embedding = decodeEmbedding(stored.embedding);
  checkEmbedding(embedding, where);
  const record: TrackRecord = {
    id: stored.id as string,
    title: stored.title as string,
    artists: stored.artists as string[],
    genres: stored.genres as GenreScore[],
    topGenre: stored.topGenre as string,
    embedding,
    modelVersion: stored.modelVersion as string,
    indexedAt: stored.indexedAt as string,
  };
  for (const field of OPTIONAL_TEXT) {
    const value = stored[field];
    if (typeof value === "string") record[field] = value;
  }
  // Records stored before servers were recorded have no heardIn: they belong to no server.
  if (stored.heardIn !== undefined) record.heardIn = { ...(stored.heardIn as Record<string, string>) };
  return record;
}

import type { GenreScore } from "../classifier/index.js";
import type { TrackRecord } from "./record.js";

/**
 * How memory holds a current-model record besides its embedding (which lives in the vector index).
 * A catalog of a million tracks keeps a million of these, so the record is stored leaner than its
 * TrackRecord form (measured ~1.8 KB → ~1.1 KB per track with an 11-genre model):
 * - genre probabilities as one packed number array in a label order shared by every record (all
 *   records of one model carry the same labels), instead of an object per genre;
 * - the model version, genre names and preview source as one shared string each;
 * - the Spotify URL only when it is not simply derived from the id.
 */
export interface Entry {
  id: string;
  isrc: string | undefined;
  title: string;
  artists: string[];
  album: string | undefined;
  artworkUrl: string | undefined;
  /** Set only when the URL is not `https://open.spotify.com/track/<id>`. */
  otherSpotifyUrl: string | undefined;
  spotifyUrlFromId: boolean;
  deezerUrl: string | undefined;
  previewSource: string | undefined;
  topGenre: string;
  /** probabilities[i] belongs to label i of the codec; NaN when the record lacks that label. */
  probabilities: number[];
  indexedAt: string;
  reanalysedAt: string | undefined;
  heardIn: Record<string, string> | undefined;
}

const spotifyTrackUrl = (id: string) => `https://open.spotify.com/track/${id}`;

export class EntryCodec {
  readonly #labels: string[] = [];
  readonly #labelIndex = new Map<string, number>();
  readonly #shared = new Map<string, string>();

  constructor(readonly modelVersion: string) {}

  /** One copy of each repeated string (JSON.parse makes a new one per record). */
  #share(text: string): string {
    const known = this.#shared.get(text);
    if (known !== undefined) return known;
    this.#shared.set(text, text);
    return text;
  }

  #label(genre: string): number {
    let index = this.#labelIndex.get(genre);
    if (index === undefined) {
      index = this.#labels.length;
      this.#labels.push(this.#share(genre));
      this.#labelIndex.set(genre, index);
    }
    return index;
  }

  /** `record` must be of this codec's model version. */
  pack(record: TrackRecord): Entry {
    for (const { genre } of record.genres) this.#label(genre);
    const probabilities = new Array<number>(this.#labels.length).fill(Number.NaN);
    for (const { genre, probability } of record.genres) probabilities[this.#label(genre)] = probability;
    const fromId = record.spotifyUrl === spotifyTrackUrl(record.id);
    return {
      id: record.id,
      isrc: record.isrc,
      title: record.title,
      artists: record.artists,
      album: record.album,
      artworkUrl: record.artworkUrl,
      otherSpotifyUrl: fromId ? undefined : record.spotifyUrl,
      spotifyUrlFromId: fromId,
      deezerUrl: record.deezerUrl,
      previewSource: record.previewSource === undefined ? undefined : this.#share(record.previewSource),
      topGenre: this.#share(record.topGenre),
      probabilities,
      indexedAt: record.indexedAt,
      reanalysedAt: record.reanalysedAt,
      heardIn: record.heardIn,
    };
  }

  unpack(entry: Entry, embedding: Float32Array): TrackRecord {
    const genres: GenreScore[] = [];
    entry.probabilities.forEach((probability, i) => {
      const genre = this.#labels[i];
      if (genre !== undefined && !Number.isNaN(probability)) genres.push({ genre, probability });
    });
    genres.sort((a, b) => b.probability - a.probability);
    const record: TrackRecord = {
      id: entry.id,
      title: entry.title,
      artists: entry.artists,
      genres,
      topGenre: entry.topGenre,
      embedding,
      modelVersion: this.modelVersion,
      indexedAt: entry.indexedAt,
    };
    const spotifyUrl = entry.spotifyUrlFromId ? spotifyTrackUrl(entry.id) : entry.otherSpotifyUrl;
    if (spotifyUrl !== undefined) record.spotifyUrl = spotifyUrl;
    if (entry.deezerUrl !== undefined) record.deezerUrl = entry.deezerUrl;
    if (entry.heardIn !== undefined) record.heardIn = { ...entry.heardIn };
    if (entry.isrc !== undefined) record.isrc = entry.isrc;
    if (entry.album !== undefined) record.album = entry.album;
    if (entry.artworkUrl !== undefined) record.artworkUrl = entry.artworkUrl;
    if (entry.previewSource !== undefined) record.previewSource = entry.previewSource;
    if (entry.reanalysedAt !== undefined) record.reanalysedAt = entry.reanalysedAt;
    return record;
  }
}

import { type Entry, EntryCodec } from "./entry.js";
import type { TrackRecord } from "./record.js";
import { isSameRelease, sharesArtist } from "./release.js";
import { VectorIndex } from "./vector-index.js";

export interface Neighbour {
  record: TrackRecord;
  /** Cosine similarity to the query, 1 = identical. */
  score: number;
}

export interface SimilarOptions {
  k: number;
  /** Only tracks whose top genre is the query's. */
  sameGenre?: boolean;
  /** No tracks sharing an artist with the query. */
  excludeArtist?: boolean;
}

/**
 * The catalog's searchable copy in memory: every current-model record, embeddings in the vector index.
 * Records from other model versions are only counted: their embeddings live in another space, so
 * comparing them with current ones would be meaningless.
 */
export class MemoryIndex {
  readonly #vectors = new VectorIndex();
  readonly #entries = new Map<string, Entry>();
  readonly #stale = new Set<string>();
  readonly #codec: EntryCodec;

  constructor(readonly modelVersion: string) {
    this.#codec = new EntryCodec(modelVersion);
  }

  isCurrent(record: TrackRecord): boolean {
    return record.modelVersion === this.modelVersion;
  }

  /** Tracks searchable now. */
  get size(): number {
    return this.#vectors.size;
  }

  /** Known tracks analysed by another model version, awaiting re-analysis. */
  get staleCount(): number {
    return this.#stale.size;
  }

  /** Embedding length of the current model, once any record has been seen. */
  get dims(): number | undefined {
    return this.#vectors.dims;
  }

  /** Adds, updates or (for another model version) sets aside a record. */
  remember(record: TrackRecord): void {
    if (!this.isCurrent(record)) {
      this.#vectors.remove(record.id);
      this.#entries.delete(record.id);
      this.#stale.add(record.id);
      return;
    }
    this.#vectors.upsert(record.id, record.topGenre, record.embedding);
    this.#entries.set(record.id, this.#codec.pack(record));
    this.#stale.delete(record.id);
  }

  get(id: string): TrackRecord | undefined {
    const entry = this.#entries.get(id);
    const embedding = this.#vectors.vector(id);
    return entry && embedding ? this.#codec.unpack(entry, embedding) : undefined;
  }

  similar(
    query: TrackRecord | Float32Array,
    { k, sameGenre = false, excludeArtist = false }: SimilarOptions,
  ) {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer (got ${k})`);
    if (query instanceof Float32Array) {
      if (sameGenre || excludeArtist) throw new TypeError("sameGenre/excludeArtist need a TrackRecord query");
      return this.#neighbours(this.#vectors.search(query, { k }));
    }
    if (!this.isCurrent(query)) {
      throw new Error(`${query.id} was analysed by model ${query.modelVersion}, not ${this.modelVersion}`);
    }
    const accept = (id: string) => {
      const entry = this.#entries.get(id);
      if (!entry || isSameRelease(query, entry)) return false;
      return !(excludeArtist && sharesArtist(query.artists, entry.artists));
    };
    const group = sameGenre ? query.topGenre : undefined;
    return this.#neighbours(this.#vectors.search(query.embedding, { k, group, accept }));
  }

  /** Bytes of embedding storage, for memory figures. */
  vectorBytes(): number {
    return this.#vectors.vectorBytes();
  }

  #neighbours(hits: Array<{ id: string; score: number }>): Neighbour[] {
    return hits.flatMap(({ id, score }) => {
      const record = this.get(id);
      return record ? [{ record, score }] : [];
    });
  }
}

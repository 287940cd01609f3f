import usearch from "usearch";
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
  /** Only tracks this server (Discord guild id) has heard; the whole catalog when absent. */
  server?: string;
}

/**
 * Below this share of the catalog a server's tracks are scored one by one: cheaper than a
 * catalog-wide scan that keeps fetching more candidates until enough of them belong to the server.
 */
const DIRECT_SCORING_SHARE = 1 / 8;

/**
 * The catalog's searchable copy in memory: every current-model record, embeddings in the vector index.
 * Records from other model versions are only counted: their embeddings live in another space, so
 * comparing them with current ones would be meaningless.
 */
export class MemoryIndex {
  readonly #vectors = new VectorIndex();
  readonly #entries = new Map<string, Entry>();
  readonly #stale = new Set<string>();
  /** Every known record (current or stale) by the servers that heard it, for scoping and forgetting. */
  readonly #byServer = new Map<string, Set<string>>();
  readonly #serversOf = new Map<string, Readonly<Record<string, string>>>();
  /** Bumped whenever a server's set of tracks (or one of them) changes, so summaries can be cached. */
  readonly #serverVersions = new Map<string, number>();
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

  /** Ids of the known tracks analysed by another model version, in a stable order. */
  staleIds(): string[] {
    return [...this.#stale].sort();
  }

  /** Embedding length of the current model, once any record has been seen. */
  get dims(): number | undefined {
    return this.#vectors.dims;
  }

  /** Ids of every known record (stale ones too) that `server` has heard. */
  idsOf(server: string): ReadonlySet<string> {
    return this.#byServer.get(server) ?? new Set();
  }

  /** Tracks searchable now, in one server's scope or in the whole catalog. */
  sizeOf(server: string | undefined): number {
    if (server === undefined) return this.size;
    let count = 0;
    for (const id of this.idsOf(server)) if (this.#entries.has(id)) count++;
    return count;
  }

  /** The servers that heard a known record (current or stale), with when each first did. */
  heardIn(id: string): Readonly<Record<string, string>> | undefined {
    return this.#serversOf.get(id);
  }

  /** The top genre of a current record, without unpacking it. */
  topGenre(id: string): string | undefined {
    return this.#entries.get(id)?.topGenre;
  }

  /** Changes whenever the server's tracks change. */
  versionOf(server: string): number {
    return this.#serverVersions.get(server) ?? 0;
  }

  #setServers(id: string, heardIn: Readonly<Record<string, string>> | undefined): void {
    for (const server of new Set([
      ...Object.keys(this.#serversOf.get(id) ?? {}),
      ...Object.keys(heardIn ?? {}),
    ])) {
      this.#serverVersions.set(server, this.versionOf(server) + 1);
    }
    for (const server of Object.keys(this.#serversOf.get(id) ?? {})) {
      const ids = this.#byServer.get(server);
      ids?.delete(id);
      if (ids?.size === 0) this.#byServer.delete(server);
    }
    const servers = Object.keys(heardIn ?? {});
    if (!heardIn || servers.length === 0) {
      this.#serversOf.delete(id);
      return;
    }
    this.#serversOf.set(id, heardIn);
    for (const server of servers) {
      let ids = this.#byServer.get(server);
      if (!ids) {
        ids = new Set();
        this.#byServer.set(server, ids);
      }
      ids.add(id);
    }
  }

  /**
   * The two most alike tracks (different songs) among `ids`, by exact cosine similarity: one batched
   * SIMD all-pairs search (usearch) over their vectors. Quadratic in ids.length, so callers cache it.
   */
  closestPair(ids: readonly string[]): { a: TrackRecord; b: TrackRecord; score: number } | undefined {
    const dims = this.#vectors.dims;
    const live = ids.filter((id) => this.#entries.has(id));
    if (dims === undefined || live.length < 2) return undefined;
    const matrix = new Float32Array(live.length * dims);
    live.forEach((id, row) => {
      const vector = this.#vectors.vector(id);
      if (vector) matrix.set(vector, row * dims);
    });
    // Room for the track itself and a few other releases of it.
    const count = Math.min(live.length, 6);
    const matches = usearch.exactSearch(matrix, matrix, dims, count, usearch.MetricKind.IP, 0);
    if (!(matches instanceof usearch.BatchMatches))
      throw new Error("usearch returned one result for a batch");
    let best: { a: string; b: string; score: number } | undefined;
    for (let row = 0; row < live.length; row++) {
      const id = live[row] as string;
      const entry = this.#entries.get(id);
      for (let j = 0; j < count; j++) {
        const other = live[Number(matches.keys[row * count + j])];
        const otherEntry = other === undefined ? undefined : this.#entries.get(other);
        if (!entry || !otherEntry || other === id || isSameRelease(entry, otherEntry)) continue;
        const score = this.#vectors.dot(other as string, matrix.subarray(row * dims, (row + 1) * dims)) ?? 0;
        if (!best || score > best.score) best = { a: id, b: other as string, score };
        break;
      }
    }
    const a = best && this.get(best.a);
    const b = best && this.get(best.b);
    return best && a && b ? { a, b, score: best.score } : undefined;
  }

  /** Drops a record that was deleted from the store. */
  remove(id: string): void {
    this.#vectors.remove(id);
    this.#entries.delete(id);
    this.#stale.delete(id);
    this.#setServers(id, undefined);
  }

  /** Adds, updates or (for another model version) sets aside a record. */
  remember(record: TrackRecord): void {
    this.#setServers(record.id, record.heardIn);
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
    { k, sameGenre = false, excludeArtist = false, server }: SimilarOptions,
  ) {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer (got ${k})`);
    if (query instanceof Float32Array) {
      if (sameGenre || excludeArtist) throw new TypeError("sameGenre/excludeArtist need a TrackRecord query");
      return this.#neighbours(this.#vectors.search(query, { k }));
    }
    if (!this.isCurrent(query)) {
      throw new Error(`${query.id} was analysed by model ${query.modelVersion}, not ${this.modelVersion}`);
    }
    const scope = server === undefined ? undefined : this.idsOf(server);
    const accept = (id: string) => {
      const entry = this.#entries.get(id);
      if (!entry || isSameRelease(query, entry)) return false;
      if (scope && !scope.has(id)) return false;
      if (sameGenre && entry.topGenre !== query.topGenre) return false;
      return !(excludeArtist && sharesArtist(query.artists, entry.artists));
    };
    if (scope && scope.size < this.size * DIRECT_SCORING_SHARE) {
      return this.#neighbours(this.#scoreEach(scope, query.embedding, k, accept));
    }
    const group = sameGenre ? query.topGenre : undefined;
    return this.#neighbours(this.#vectors.search(query.embedding, { k, group, accept }));
  }

  /** Exact top k of a small id set: every vector scored, then the filters applied best first. */
  #scoreEach(ids: Iterable<string>, query: Float32Array, k: number, accept: (id: string) => boolean) {
    const scored: Array<{ id: string; score: number }> = [];
    for (const id of ids) {
      const score = this.#vectors.dot(id, query);
      if (score !== undefined) scored.push({ id, score });
    }
    scored.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
    const hits: Array<{ id: string; score: number }> = [];
    for (const hit of scored) {
      if (hits.length === k) break;
      if (accept(hit.id)) hits.push(hit);
    }
    return hits;
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

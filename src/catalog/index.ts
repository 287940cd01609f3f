import { type Logger, log } from "../log.js";
import { StoreUnavailableError } from "./errors.js";
import { decodeRecord, encodeRecord, type TrackRecord, validateRecord } from "./record.js";
import { isSameRelease, sharesArtist } from "./release.js";
import { openStore, type TrackStore, withTimeout } from "./store.js";
import { VectorIndex } from "./vector-index.js";

export { StoreUnavailableError } from "./errors.js";
export type { TrackRecord } from "./record.js";

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

export interface Catalog {
  readonly modelVersion: string;
  /** Stores (or re-stores: idempotent) a record. Throws StoreUnavailableError when the store is down. */
  put(record: TrackRecord): Promise<void>;
  /** The stored record, whatever model made it (check isCurrent); from memory when the store is down. */
  get(id: string): Promise<TrackRecord | undefined>;
  /** False for records analysed by another model version: they need re-analysis before comparison. */
  isCurrent(record: TrackRecord): boolean;
  /**
   * Nearest current-model tracks by cosine similarity, highest first; never the query itself or
   * another release of it. A bare vector query allows no sameGenre/excludeArtist (it has neither).
   */
  similar(query: TrackRecord | Float32Array, options: SimilarOptions): Neighbour[];
  /** Tracks searchable now (current model). */
  size(): number;
  /** Stored tracks left out of similarity because another model version analysed them. */
  staleCount(): number;
  close(): Promise<void>;
}

export interface CatalogOptions {
  /** `sqlite://path` or `redis://host:port`. */
  storeUrl: string;
  modelVersion: string;
  logger?: Logger;
  /** Bound on each store operation; a put fails with StoreUnavailableError after this. */
  timeoutMs?: number;
  /** Log loading progress every this many records. */
  progressEvery?: number;
}

const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_PROGRESS_EVERY = 10_000;
/** When a reload after a Redis outage fails (the store flapped), try again after this long. */
const RELOAD_RETRY_MS = 1000;

/** What memory holds per track: the record minus its embedding, which lives in the vector index. */
type Entry = Omit<TrackRecord, "embedding">;

export async function openCatalog(options: CatalogOptions): Promise<Catalog> {
  const { modelVersion } = options;
  const logger = options.logger ?? log.child({ module: "catalog" });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const progressEvery = options.progressEvery ?? DEFAULT_PROGRESS_EVERY;
  const store: TrackStore = await openStore(options.storeUrl, { logger, timeoutMs });
  const index = new VectorIndex();
  const entries = new Map<string, Entry>();
  const stale = new Set<string>();
  let closed = false;

  const isCurrent = (record: TrackRecord) => record.modelVersion === modelVersion;

  /** Brings memory in line with a stored record: current ones are searchable, others only counted. */
  function remember(record: TrackRecord): void {
    if (!isCurrent(record)) {
      index.remove(record.id);
      entries.delete(record.id);
      stale.add(record.id);
      return;
    }
    index.upsert(record.id, record.topGenre, record.embedding);
    const { embedding: _, ...entry } = record;
    entries.set(record.id, entry);
    stale.delete(record.id);
  }

  function fromMemory(id: string): TrackRecord | undefined {
    const entry = entries.get(id);
    const embedding = index.vector(id);
    return entry && embedding ? { ...entry, embedding } : undefined;
  }

  function neighbours(hits: Array<{ id: string; score: number }>): Neighbour[] {
    return hits.flatMap(({ id, score }) => {
      const record = fromMemory(id);
      return record ? [{ record, score }] : [];
    });
  }

  /** Any store failure, including a slow one, becomes the friendly "not remembered" error. */
  async function guarded<T>(operation: Promise<T>, what: string): Promise<T> {
    try {
      return await withTimeout(operation, timeoutMs, what);
    } catch (error) {
      throw new StoreUnavailableError({ cause: error });
    }
  }

  /** Streams every stored record into memory; unreadable ones are logged and skipped. */
  async function load(): Promise<void> {
    const total = await store.count();
    logger.info({ store: store.description, total }, "loading catalog");
    let seen = 0;
    let unreadable = 0;
    for await (const [key, raw] of store.entries()) {
      seen++;
      try {
        remember(decodeRecord(raw, key));
      } catch (error) {
        unreadable++;
        logger.warn({ key, reason: (error as Error).message }, "skipping unreadable catalog record");
      }
      if (seen % progressEvery === 0) logger.info({ loaded: seen, total }, "loading catalog");
    }
    logger.info({ current: index.size, needReanalysis: stale.size, unreadable }, "catalog loaded");
  }

  /** After an outage: re-read everything (announcements were missed), retrying while the store flaps. */
  let reloading = false;
  async function reload(): Promise<void> {
    if (reloading) return;
    reloading = true;
    while (!closed) {
      try {
        await load();
        break;
      } catch (error) {
        if (closed) break;
        logger.warn({ err: error }, "reloading the catalog failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, RELOAD_RETRY_MS));
      }
    }
    reloading = false;
  }

  async function fetchAnnounced(id: string): Promise<void> {
    try {
      const raw = await withTimeout(store.get(id), timeoutMs, "fetching an announced record");
      if (raw !== undefined && !closed) remember(decodeRecord(raw, id));
    } catch (error) {
      logger.warn({ id, err: error }, "could not fetch a record another process stored");
    }
  }

  // Listen before loading, so a record stored meanwhile arrives either by the load or by announcement.
  await store.listen({ changed: (id) => void fetchAnnounced(id), reconnected: () => void reload() });
  try {
    await load();
  } catch (error) {
    logger.warn({ err: error }, "catalog store unavailable at start-up; starting empty until it returns");
  }

  return {
    modelVersion,

    async put(record) {
      validateRecord(record);
      if (isCurrent(record) && index.dims !== undefined && record.embedding.length !== index.dims) {
        throw new Error(
          `embedding of ${record.id} has ${record.embedding.length} dimensions; model ${modelVersion} made ${index.dims}`,
        );
      }
      await guarded(store.set(record.id, encodeRecord(record)), "saving a record");
      remember(record);
      try {
        await withTimeout(store.announce(record.id), timeoutMs, "announcing a record");
      } catch (error) {
        // Saved; other processes will pick it up at their next reload.
        logger.warn({ id: record.id, err: error }, "could not announce a stored record");
      }
    },

    async get(id) {
      let raw: unknown;
      try {
        raw = await guarded(store.get(id), "reading a record");
      } catch (error) {
        logger.warn({ id, err: error }, "catalog store unavailable; answering from memory");
        return fromMemory(id);
      }
      if (raw === undefined) return undefined;
      try {
        return decodeRecord(raw, id);
      } catch (error) {
        logger.warn({ id, reason: (error as Error).message }, "unreadable catalog record");
        return undefined;
      }
    },

    isCurrent,

    similar(query, { k, sameGenre = false, excludeArtist = false }) {
      if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer (got ${k})`);
      if (query instanceof Float32Array) {
        if (sameGenre || excludeArtist)
          throw new TypeError("sameGenre/excludeArtist need a TrackRecord query");
        return neighbours(index.search(query, { k }));
      }
      if (!isCurrent(query)) {
        throw new Error(`${query.id} was analysed by model ${query.modelVersion}, not ${modelVersion}`);
      }
      const accept = (id: string) => {
        const entry = entries.get(id);
        if (!entry || isSameRelease(query, entry)) return false;
        return !(excludeArtist && sharesArtist(query.artists, entry.artists));
      };
      const group = sameGenre ? query.topGenre : undefined;
      return neighbours(index.search(query.embedding, { k, group, accept }));
    },

    size: () => index.size,
    staleCount: () => stale.size,

    async close() {
      if (closed) return;
      closed = true;
      await store.close();
    },
  };
}

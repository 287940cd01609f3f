import { setTimeout as sleep } from "node:timers/promises";
import { withDeadline } from "../lib/deadline.js";
import { type Logger, log } from "../log.js";
import { StoreUnavailableError } from "./errors.js";
import { MemoryIndex, type Neighbour, type SimilarOptions } from "./memory-index.js";
import { decodeRecord, encodeRecord, type TrackRecord, validateRecord } from "./record.js";
import { openStore, type TrackStore } from "./store.js";

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
/** How long a timed-out write is watched for, in case a hung store wakes up and applies it. */
const SETTLE_WAIT_MS = 60_000;
/** When a reload after a Redis outage fails (the store flapped), try again after this long. */
const RELOAD_RETRY_MS = 1000;

export async function openCatalog(options: CatalogOptions): Promise<Catalog> {
  const { modelVersion } = options;
  const logger = options.logger ?? log.child({ module: "catalog" });
  const progressEvery = options.progressEvery ?? DEFAULT_PROGRESS_EVERY;
  const store: TrackStore = await openStore(options.storeUrl, {
    logger,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  // Never shorter than the store's own lock wait (SQLite's busy timeout), plus a margin to answer.
  const timeoutMs = Math.max(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, store.longestWaitMs + 1000);
  const memory = new MemoryIndex(modelVersion);
  let closed = false;

  /** Any store failure, including a slow one, becomes the friendly "not remembered" error. */
  async function guarded<T>(operation: Promise<T>, what: string): Promise<T> {
    try {
      return await withDeadline(operation, timeoutMs, what);
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
        memory.remember(decodeRecord(raw, key));
      } catch (error) {
        unreadable++;
        logger.warn({ key, reason: (error as Error).message }, "skipping unreadable catalog record");
      }
      if (seen % progressEvery === 0) logger.info({ loaded: seen, total }, "loading catalog");
    }
    logger.info({ current: memory.size, needReanalysis: memory.staleCount, unreadable }, "catalog loaded");
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
        await sleep(RELOAD_RETRY_MS);
      }
    }
    reloading = false;
  }

  async function fetchAnnounced(id: string): Promise<void> {
    try {
      const raw = await withDeadline(store.get(id), timeoutMs, "fetching an announced record");
      if (raw !== undefined && !closed) memory.remember(decodeRecord(raw, id));
    } catch (error) {
      logger.warn({ id, err: error }, "could not fetch a record another process stored");
    }
  }

  /**
   * A write that timed out may still land when a hung store wakes up: Redis runs one connection's
   * commands in order, so a read sent now answers after it. Read the record back then, so neither this
   * process nor the others miss a record that did get saved. (After an immediate failure the read
   * fails immediately too, and nothing happens.)
   */
  function settle(id: string): void {
    withDeadline(store.get(id), SETTLE_WAIT_MS, "settling a timed-out write")
      .then(async (raw) => {
        if (raw === undefined || closed) return;
        memory.remember(decodeRecord(raw, id));
        await store.announce(id);
      })
      .catch(() => {});
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
      if (memory.isCurrent(record) && memory.dims !== undefined && record.embedding.length !== memory.dims) {
        throw new Error(
          `embedding of ${record.id} has ${record.embedding.length} dimensions; model ${modelVersion} made ${memory.dims}`,
        );
      }
      try {
        await guarded(store.set(record.id, encodeRecord(record)), "saving a record");
      } catch (error) {
        settle(record.id);
        throw error;
      }
      memory.remember(record);
      try {
        await withDeadline(store.announce(record.id), timeoutMs, "announcing a record");
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
        return memory.get(id);
      }
      if (raw === undefined) return undefined;
      try {
        return decodeRecord(raw, id);
      } catch (error) {
        logger.warn({ id, reason: (error as Error).message }, "unreadable catalog record");
        return undefined;
      }
    },

    isCurrent: (record) => memory.isCurrent(record),
    similar: (query, options) => memory.similar(query, options),
    size: () => memory.size,
    staleCount: () => memory.staleCount,

    async close() {
      if (closed) return;
      closed = true;
      await store.close();
    },
  };
}

import { setTimeout as sleep } from "node:timers/promises";
import { withDeadline } from "../lib/deadline.js";
import { type Logger, log } from "../log.js";
import { StoreUnavailableError } from "./errors.js";
import { MemoryIndex, type Neighbour, type SimilarOptions } from "./memory-index.js";
import { decodeRecord, encodeRecord, type TrackRecord, validateRecord } from "./record.js";
import { type ServerStats, ServerStatsCache } from "./server-stats.js";
import { openStore, type TrackStore } from "./store.js";

export interface Catalog {
  readonly modelVersion: string;
  /**
   * Stores (or re-stores: idempotent) a record, keeping the servers the stored copy was heard in and
   * adding `heardIn` (a guild id) with the current time. Throws StoreUnavailableError when the store is down.
   */
  put(record: TrackRecord, options?: { heardIn?: string }): Promise<void>;
  /** Records that `server` heard an already stored track (a no-op when it had). Returns the record. */
  hear(id: string, server: string): Promise<TrackRecord | undefined>;
  /**
   * `server` forgets the track: it leaves the server's scope, and the record is deleted once no
   * server has it. Records that belong to no server (CLI, or stored before servers were recorded)
   * are not a server's to forget. Returns what happened.
   */
  forget(id: string, server: string): Promise<"not-heard" | "forgotten" | "deleted">;
  /**
   * Stores a re-analysis over the stored copy of the same track, keeping that copy's servers, so a
   * server that forgot the track while it was being re-analysed stays forgotten; writes nothing and
   * returns false when the track was deleted meanwhile. (In one process, `forget` and `replace` of
   * a track never interleave.)
   */
  replace(record: TrackRecord): Promise<boolean>;
  /** `forget` for every track the server has heard; returns how many it forgot. */
  forgetServer(server: string): Promise<number>;
  /** Ids of current-model tracks the server has heard, for its statistics. */
  idsOf(server: string): string[];
  /** The servers that heard a current track, with when each first did. */
  heardIn(id: string): Readonly<Record<string, string>> | undefined;
  topGenre(id: string): string | undefined;
  /** What one server listens to: its track count, genre mix (overall and by month), closest pair. */
  stats(server: string): ServerStats;
  /** The stored record, whatever model made it (check isCurrent); from memory when the store is down. */
  get(id: string): Promise<TrackRecord | undefined>;
  /** False for records analysed by another model version: they need re-analysis before comparison. */
  isCurrent(record: TrackRecord): boolean;
  /**
   * Nearest current-model tracks by cosine similarity, highest first; never the query itself or
   * another release of it. A bare vector query allows no sameGenre/excludeArtist (it has neither).
   */
  similar(query: TrackRecord | Float32Array, options: SimilarOptions): Neighbour[];
  /** Tracks searchable now (current model), in one server's scope or the whole catalog. */
  size(server?: string): number;
  /** Stored tracks left out of similarity because another model version analysed them. */
  staleCount(): number;
  /** Ids of those stale records, for re-analysis (`genrebot reindex`, the bot's background pass). */
  staleIds(): string[];
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
  const statsCache = new ServerStatsCache(memory);
  const currentIdsOf = (server: string) =>
    [...memory.idsOf(server)].filter((id) => memory.topGenre(id) !== undefined);
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
      if (closed) return;
      // Gone from the store: another process deleted it (its last server forgot it).
      if (raw === undefined) memory.remove(id);
      else memory.remember(decodeRecord(raw, id));
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

  /**
   * Whether a write that outlived the deadline was saved after all, when the store itself bounds how
   * long a write may run (SQLite answers within its busy wait, however starved of CPU the process is):
   * then the write's own answer, not the deadline, says whether the track was saved. A store without
   * such a bound (Redis) may hang for good, so there the deadline stands and settle() catches up.
   */
  async function landsAfterAll(saving: Promise<void>): Promise<boolean> {
    if (store.longestWaitMs === 0) return false;
    return withDeadline(saving, SETTLE_WAIT_MS, "a late write").then(
      () => true,
      () => false,
    );
  }

  // Listen before loading, so a record stored meanwhile arrives either by the load or by announcement.
  await store.listen({ changed: (id) => void fetchAnnounced(id), reconnected: () => void reload() });
  try {
    await load();
  } catch (error) {
    logger.warn({ err: error }, "catalog store unavailable at start-up; starting empty until it returns");
  }

  async function announce(id: string): Promise<void> {
    try {
      await withDeadline(store.announce(id), timeoutMs, "announcing a change");
    } catch (error) {
      // Saved; other processes will pick it up at their next reload.
      logger.warn({ id, err: error }, "could not announce a stored change");
    }
  }

  /** The record decoded, or undefined (logged) when what is stored cannot be read. */
  function readable(raw: unknown, id: string): TrackRecord | undefined {
    try {
      return decodeRecord(raw, id);
    } catch (error) {
      logger.warn({ id, reason: (error as Error).message }, "unreadable catalog record");
      return undefined;
    }
  }

  /** The stored record (decoded), or undefined; throws StoreUnavailableError when the store is down. */
  async function stored(id: string): Promise<TrackRecord | undefined> {
    const raw = await guarded(store.get(id), "reading a record");
    return raw === undefined ? undefined : readable(raw, id);
  }

  async function write(record: TrackRecord): Promise<void> {
    validateRecord(record);
    if (memory.isCurrent(record) && memory.dims !== undefined && record.embedding.length !== memory.dims) {
      throw new Error(
        `embedding of ${record.id} has ${record.embedding.length} dimensions; model ${modelVersion} made ${memory.dims}`,
      );
    }
    const saving = store.set(record.id, encodeRecord(record));
    try {
      await guarded(saving, "saving a record");
    } catch (error) {
      if (!(await landsAfterAll(saving))) {
        settle(record.id);
        throw error;
      }
    }
    memory.remember(record);
    await announce(record.id);
  }

  /**
   * The servers of the record and of the copy already known (memory is kept in step with the store:
   * loaded at start, updated by every write and announcement), plus `server`, first heard now, if new.
   */
  function mergedServers(record: TrackRecord, server: string | undefined): Record<string, string> {
    const heardIn = { ...record.heardIn, ...memory.heardIn(record.id) };
    if (server !== undefined && heardIn[server] === undefined) heardIn[server] = new Date().toISOString();
    return heardIn;
  }

  /** The tail of each track's forget/replace operations: each waits for the one before. */
  const queues = new Map<string, Promise<unknown>>();
  function oneAtATime<T>(id: string, operation: () => Promise<T>): Promise<T> {
    const result = (queues.get(id) ?? Promise.resolve()).then(operation);
    const tail = result.catch(() => {});
    queues.set(id, tail);
    void tail.then(() => {
      if (queues.get(id) === tail) queues.delete(id);
    });
    return result;
  }

  async function forget(id: string, server: string): Promise<"not-heard" | "forgotten" | "deleted"> {
    return oneAtATime(id, () => forgetNow(id, server));
  }

  async function forgetNow(id: string, server: string): Promise<"not-heard" | "forgotten" | "deleted"> {
    const record = await stored(id);
    if (!record?.heardIn || record.heardIn[server] === undefined) return "not-heard";
    const { [server]: _forgotten, ...rest } = record.heardIn;
    if (Object.keys(rest).length > 0) {
      await write({ ...record, heardIn: rest });
      return "forgotten";
    }
    await guarded(store.delete(id), "deleting a record");
    memory.remove(id);
    await announce(id);
    return "deleted";
  }

  return {
    modelVersion,

    async put(record, options = {}) {
      validateRecord(record);
      const heardIn = mergedServers(record, options.heardIn);
      const { heardIn: _given, ...rest } = record;
      await write(Object.keys(heardIn).length > 0 ? { ...rest, heardIn } : rest);
    },

    async hear(id, server) {
      const record = await stored(id);
      if (!record || record.heardIn?.[server] !== undefined) return record;
      const heard = { ...record, heardIn: mergedServers(record, server) };
      await write(heard);
      return heard;
    },

    forget,

    replace: (record) =>
      oneAtATime(record.id, async () => {
        const current = await stored(record.id);
        if (!current) return false;
        const { heardIn: _analysed, ...rest } = record;
        await write(current.heardIn ? { ...rest, heardIn: current.heardIn } : rest);
        return true;
      }),

    async forgetServer(server) {
      let count = 0;
      for (const id of [...memory.idsOf(server)]) {
        if ((await forget(id, server)) !== "not-heard") count++;
      }
      return count;
    },

    idsOf: currentIdsOf,
    stats: (server) => statsCache.stats(server, currentIdsOf(server)),
    heardIn: (id) => memory.heardIn(id),
    topGenre: (id) => memory.topGenre(id),

    async get(id) {
      let raw: unknown;
      try {
        raw = await guarded(store.get(id), "reading a record");
      } catch (error) {
        logger.warn({ id, err: error }, "catalog store unavailable; answering from memory");
        return memory.get(id);
      }
      return raw === undefined ? undefined : readable(raw, id);
    },

    isCurrent: (record) => memory.isCurrent(record),
    similar: (query, options) => memory.similar(query, options),
    size: (server) => memory.sizeOf(server),
    staleCount: () => memory.staleCount,
    staleIds: () => memory.staleIds(),

    async close() {
      if (closed) return;
      closed = true;
      await store.close();
    },
  };
}

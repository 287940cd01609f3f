import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import KeyvRedis, { createClient } from "@keyv/redis";
import KeyvSqlite from "@keyv/sqlite";
import Keyv, { type KeyvStoreAdapter } from "keyv";
import { UserFacingError } from "../errors.js";
import { withDeadline } from "../lib/deadline.js";
import type { Logger } from "../log.js";

/**
 * Where catalog records live: a SQLite file (default) or Redis, both behind Keyv. Values are the
 * record's own JSON text (see record.ts); this layer moves strings and knows nothing of records.
 */
export interface TrackStore {
  /** For logs, e.g. "sqlite data/genrebot.sqlite". */
  readonly description: string;
  /**
   * The longest a healthy store may take over one write (SQLite waits this long for another
   * process's lock): the catalog never gives up on a write sooner, or it would call a write that
   * then lands "failed", or one that then fails "saved".
   */
  readonly longestWaitMs: number;
  set(id: string, value: string): Promise<void>;
  delete(id: string): Promise<void>;
  get(id: string): Promise<string | undefined>;
  /** Every stored [id, value], streamed page by page, for loading the index at start-up. */
  entries(): AsyncGenerator<[string, unknown]>;
  /** How many records are stored, so start-up can report progress against a total. */
  count(): Promise<number>;
  /** Tells other processes sharing the store that `id` changed. */
  announce(id: string): Promise<void>;
  /**
   * Starts hearing other processes' changes. `reconnected` fires when the store comes back after an
   * outage, during which announcements may have been missed.
   */
  listen(events: StoreEvents): Promise<void>;
  close(): Promise<void>;
}

export interface StoreEvents {
  changed(id: string): void;
  reconnected(): void;
}

export interface StoreOptions {
  logger: Logger;
  /** Bound on connecting and on each command, so an unreachable store fails fast instead of hanging. */
  timeoutMs: number;
}

/**
 * No colon: Keyv strips a namespace by splitting at the first ":", so "genrebot:tracks" would come back
 * from its iterator as "tracks:<id>".
 */
export const NAMESPACE = "genrebot-tracks";
/** Rows per SQLite page when streaming records at start-up. */
const SQLITE_PAGE = 2000;
/** How long SQLite waits for another process's write lock (the bot and `genrebot index` may share a file). */
const SQLITE_BUSY_MS = 5000;
/** Redis reconnects with backoff capped here, so the catalog notices a returning server within a second. */
const REDIS_MAX_BACKOFF_MS = 1000;

/** Keyv would wrap values in its own JSON envelope; records already are JSON, so pass them through. */
function passThroughKeyv(store: KeyvStoreAdapter, useKeyPrefix: boolean): Keyv<string> {
  const keyv = new Keyv<string>({
    store,
    namespace: NAMESPACE,
    useKeyPrefix,
    throwOnErrors: true,
    serialize: (data) => String(data.value),
    deserialize: <Value>(raw: string) => ({ value: raw as unknown as Value }),
  });
  // Failures reach callers as rejections (throwOnErrors); the event would only duplicate them.
  keyv.on("error", () => {});
  return keyv;
}

async function* keyvEntries(keyv: Keyv<string>): AsyncGenerator<[string, unknown]> {
  if (!keyv.iterator) throw new Error("this Keyv store cannot be iterated");
  for await (const [key, value] of keyv.iterator(NAMESPACE)) yield [String(key), value];
}

/** Throws a UserFacingError for a STORE_URL that names no usable store, so start-up says what to fix. */
export async function openStore(url: string, options: StoreOptions): Promise<TrackStore> {
  if (url.startsWith("redis://") || url.startsWith("rediss://")) return openRedis(url, options);
  if (!url.startsWith("sqlite://")) {
    throw new UserFacingError(
      "store-url",
      `STORE_URL must be sqlite://<file> or redis://<host>:<port>, not ${JSON.stringify(redactUrl(url))}.`,
    );
  }
  const file = url.slice("sqlite://".length);
  try {
    return await openSqlite(file);
  } catch (error) {
    throw new UserFacingError(
      "store-open",
      `The catalog file ${file} could not be opened (${(error as Error).message}). Check STORE_URL and the file's permissions.`,
      { cause: error },
    );
  }
}

/**
 * One file, one process at a time for writes. Every set is a single-row upsert in its own transaction,
 * so a crash leaves the previous value or the new one, never half a record. WAL keeps those per-record
 * commits cheap and lets readers (another process) proceed during a write. Processes sharing the file
 * see each other's records at their next start: there is no change feed for SQLite.
 */
async function openSqlite(file: string): Promise<TrackStore> {
  if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const adapter = new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout: SQLITE_BUSY_MS });
  await adapter.query("PRAGMA journal_mode=WAL");
  const keyv = passThroughKeyv(adapter, true);
  return {
    description: `sqlite ${file}`,
    longestWaitMs: SQLITE_BUSY_MS,
    async set(id, value) {
      await keyv.set(id, value);
    },
    async delete(id) {
      await keyv.delete(id);
    },
    get: (id) => keyv.get(id),
    entries: () => sqliteEntries(adapter),
    async count() {
      const rows = (await adapter.query(
        `SELECT COUNT(*) AS n FROM ${adapter.opts.table} WHERE key > ? AND key < ?`,
        ...SQLITE_KEY_RANGE,
      )) as Array<{ n: number }>;
      return rows[0]?.n ?? 0;
    },
    async announce() {},
    async listen() {},
    close: () => adapter.disconnect(),
  };
}

/** Every key in the namespace sorts between these: "<namespace>:" and the next character, ";". */
const SQLITE_KEY_RANGE = [`${NAMESPACE}:`, `${NAMESPACE};`] as const;

/**
 * Streams the namespace's rows in key order, a page at a time, resuming after the last key seen.
 * Not Keyv's SQLite iterator: it pages with LIMIT/OFFSET, which re-reads every earlier row for each
 * page — measured 2.9 s to load 50k records but 23 s for 150k (quadratic; ~20 min at 1M). Seeking
 * on the primary key keeps start-up linear.
 */
async function* sqliteEntries(adapter: KeyvSqlite): AsyncGenerator<[string, unknown]> {
  const [prefix, end] = SQLITE_KEY_RANGE;
  let after: string = prefix;
  for (;;) {
    const rows = (await adapter.query(
      `SELECT key, value FROM ${adapter.opts.table} WHERE key > ? AND key < ? ORDER BY key LIMIT ?`,
      after,
      end,
      SQLITE_PAGE,
    )) as Array<{ key: string; value: unknown }>;
    for (const row of rows) yield [row.key.slice(prefix.length), row.value];
    const last = rows.at(-1);
    if (!last || rows.length < SQLITE_PAGE) return;
    after = last.key;
  }
}

/**
 * Redis, possibly shared by several bot processes (shards, or the bot plus `genrebot index`). Each
 * process keeps its own in-memory index, so every put is announced on a pub/sub channel and the
 * others fetch that record into theirs. SET is atomic: a record is stored whole or not at all.
 *
 * Outages: the client reconnects in the background forever, and with the offline queue disabled a
 * command issued while disconnected fails at once instead of waiting for the reconnect loop (a hung
 * server is covered by the caller's timeout). After a reconnect the subscriber reports it, so the
 * catalog re-reads what it may have missed.
 */
async function openRedis(url: string, { logger, timeoutMs }: StoreOptions): Promise<TrackStore> {
  const channel = `${NAMESPACE}:changed`;
  const origin = randomUUID();
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: timeoutMs,
      reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, REDIS_MAX_BACKOFF_MS),
    },
  });
  // The subscriber may queue: its SUBSCRIBE must survive an outage (node-redis re-subscribes on reconnect).
  const subscriber = client.duplicate({ disableOfflineQueue: false });
  let reportedDown = false;
  const onError = (error: Error) => {
    // The reconnect loop fails every second while Redis is down: say so once, not every time.
    if (!reportedDown) logger.warn({ err: error, url: redactUrl(url) }, "catalog store (Redis) unreachable");
    reportedDown = true;
  };
  client.on("error", onError);
  subscriber.on("error", onError);
  client.on("ready", () => {
    if (reportedDown) logger.info({ url: redactUrl(url) }, "catalog store (Redis) is back");
    reportedDown = false;
  });

  // Asked once the server first answers (now, or after an outage at start-up).
  let askedPersistence = false;
  const askPersistence = () => {
    if (askedPersistence) return;
    askedPersistence = true;
    void warnIfNotDurable((name) => client.configGet(name), logger, timeoutMs);
  };
  client.on("ready", askPersistence);
  const connecting = client.connect();
  try {
    await withDeadline(connecting, timeoutMs, "connecting to Redis");
  } catch {
    // Keep going without it: reads use the in-memory index and the first reconnect loads the catalog.
    connecting.catch(() => {});
  }
  const adapter = new KeyvRedis<string>(client, { namespace: NAMESPACE, throwOnErrors: true });
  const keyv = passThroughKeyv(adapter, false);

  return {
    description: `redis ${redactUrl(url)}`,
    longestWaitMs: 0,
    async set(id, value) {
      await keyv.set(id, value);
    },
    async delete(id) {
      await keyv.delete(id);
    },
    get: (id) => keyv.get(id),
    entries: () => keyvEntries(keyv),
    async count() {
      let total = 0;
      for await (const keys of client.scanIterator({ MATCH: `${NAMESPACE}::*`, COUNT: 1000 })) {
        total += keys.length;
      }
      return total;
    },
    async announce(id) {
      await client.publish(channel, JSON.stringify({ id, origin }));
    },
    async listen(events) {
      let lost = false;
      subscriber.on("error", () => {
        lost = true;
      });
      subscriber.on("ready", () => {
        if (lost) events.reconnected();
        lost = false;
      });
      subscriber.connect().catch(() => {});
      const subscribed = subscriber.subscribe(channel, (message) => {
        const announced = parseAnnouncement(message);
        if (announced && announced.origin !== origin) events.changed(announced.id);
      });
      // When Redis is down this resolves only after it returns; don't hold start-up for it.
      await withDeadline(subscribed, timeoutMs, "subscribing to catalog changes").catch(() => {});
    },
    async close() {
      // Every command the catalog issues is awaited before close, so nothing is cut off here.
      for (const c of [subscriber, client]) if (c.isOpen) c.destroy();
    },
  };
}

/**
 * Redis keeps data in memory; what survives a restart or a crash depends on its configuration, and
 * the default one (no append-only file) loses every indexed track on `kill -9`. Ask, and say so
 * once in plain words. Managed Redis often forbids CONFIG: then we cannot tell, and stay quiet.
 */
async function warnIfNotDurable(
  configGet: (name: string) => Promise<Record<string, string>>,
  logger: Logger,
  timeoutMs: number,
): Promise<void> {
  let appendonly: string | undefined;
  let save: string | undefined;
  try {
    const asked = Promise.all([configGet("appendonly"), configGet("save")]);
    const [aof, rdb] = await withDeadline(asked, timeoutMs, "asking Redis how it persists");
    appendonly = aof.appendonly;
    save = rdb.save;
  } catch (error) {
    logger.debug({ err: error }, "Redis does not say how it persists (CONFIG not allowed); not checked");
    return;
  }
  if (appendonly === "yes") return;
  const what =
    save === undefined || save.trim() === ""
      ? "Redis is not saving the catalog to disk at all (no append-only file, no snapshots): a restart or crash loses every indexed track."
      : `Redis saves the catalog only in periodic snapshots (save ${save}): a crash loses every track indexed since the last one.`;
  logger.warn(`${what} Run Redis with --appendonly yes (see the README, "Running Redis durably").`);
}

function parseAnnouncement(message: string): { id: string; origin: string } | undefined {
  try {
    const parsed = JSON.parse(message) as { id?: unknown; origin?: unknown };
    if (typeof parsed.id === "string" && typeof parsed.origin === "string") {
      return { id: parsed.id, origin: parsed.origin };
    }
  } catch {
    // Not ours: another program on the same channel.
  }
  return undefined;
}

/** Hides a password in redis://user:pass@host URLs before logging. */
function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, "//[redacted]@");
}

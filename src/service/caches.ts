import KeyvRedis, { createClient } from "@keyv/redis";
import KeyvSqlite from "@keyv/sqlite";
import Keyv from "keyv";
import { withDeadline } from "../lib/deadline.js";

/** No colon in a namespace: Keyv splits namespaced keys at the first one (see src/catalog/store.ts). */
const CACHE_NAMESPACES = { previewSources: "genrebot-preview-sources", suggestions: "genrebot-suggestions" };
const REDIS_CONNECT_MS = 5000;
const REDIS_COMMAND_MS = 1000;
/** SQLite keeps expired entries until they are read again; sweep them this often. */
const SQLITE_SWEEP_MS = 60 * 60_000;

export interface Caches {
  previewSources: Keyv;
  suggestions: Keyv;
  close(): Promise<void>;
}

/**
 * Keyv caches on the catalog's own store (the same SQLite file or Redis server, their own
 * namespaces), so resolved preview sources and autocomplete answers survive restarts. A cache is
 * never worth an error or a long wait: Keyv turns store failures into misses, and the Redis client
 * refuses commands at once while disconnected instead of queueing them until Redis returns.
 */
export async function openCaches(storeUrl: string): Promise<Caches> {
  if (storeUrl.startsWith("redis://") || storeUrl.startsWith("rediss://")) {
    const client = createClient({
      url: storeUrl,
      disableOfflineQueue: true,
      // A hung server (up but not answering) costs a cache lookup at most this long.
      commandOptions: { timeout: REDIS_COMMAND_MS },
      socket: {
        connectTimeout: REDIS_CONNECT_MS,
        reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 5000),
      },
    });
    // Outages are the catalog's to report (same server); here one only costs a cache miss.
    client.on("error", () => {});
    // The catalog has just reached this server, so this is quick; if it is down, start without.
    const connecting = client.connect();
    await withDeadline(connecting, REDIS_CONNECT_MS, "connecting the caches to Redis").catch(() => {
      connecting.catch(() => {});
    });
    // KeyvRedis prefixes keys with the namespace itself, so Keyv must not add it again.
    const cache = (namespace: string) =>
      new Keyv({ store: new KeyvRedis(client, { namespace }), namespace, useKeyPrefix: false });
    return {
      previewSources: cache(CACHE_NAMESPACES.previewSources),
      suggestions: cache(CACHE_NAMESPACES.suggestions),
      async close() {
        if (client.isOpen) client.destroy();
      },
    };
  }
  // openCatalog has already checked the URL (sqlite://<file>) and created the file's folder.
  const previewSources = sqliteCache(storeUrl, CACHE_NAMESPACES.previewSources);
  const suggestions = sqliteCache(storeUrl, CACHE_NAMESPACES.suggestions);
  const sweep = () => {
    previewSources.sweep();
    suggestions.sweep();
  };
  sweep();
  const sweeper = setInterval(sweep, SQLITE_SWEEP_MS).unref();
  return {
    previewSources: previewSources.keyv,
    suggestions: suggestions.keyv,
    async close() {
      clearInterval(sweeper);
      await Promise.allSettled([previewSources.close(), suggestions.close()]);
    },
  };
}

function sqliteCache(storeUrl: string, namespace: string) {
  const adapter = new KeyvSqlite({ uri: storeUrl, busyTimeout: 5000 });
  return {
    keyv: new Keyv({ store: adapter, namespace }),
    /** Keyv stores `{"value":…,"expires":<ms>}` and drops an expired row only when it is read again. */
    sweep(): void {
      adapter
        .query(
          `DELETE FROM ${adapter.opts.table} WHERE key > ? AND key < ? AND json_extract(value, '$.expires') < ?`,
          `${namespace}:`,
          `${namespace};`,
          Date.now(),
        )
        .catch(() => {});
    },
    close: () => adapter.disconnect(),
  };
}

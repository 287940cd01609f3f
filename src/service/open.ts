import KeyvRedis, { createClient } from "@keyv/redis";
import KeyvSqlite from "@keyv/sqlite";
import Keyv from "keyv";
import type { Dispatcher } from "undici";
import { type Catalog, openCatalog } from "../catalog/index.js";
import { withTimeout } from "../catalog/store.js";
import { type AnalyzerPool, createAnalyzerPool } from "../classifier/index.js";
import type { Config } from "../config.js";
import { type Logger, log } from "../log.js";
import { createPreviewResolver, createSpotify, type SpotifyClient } from "../spotify/index.js";
import { createTrackService, type TrackService } from "./track-service.js";

export interface Services {
  service: TrackService;
  /** Present when Spotify credentials were required and given (autocomplete uses it directly). */
  spotify?: SpotifyClient;
  /** Stops the analyzer workers and closes the store and the caches on it. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Whether this entry point looks tracks up on Spotify (the bot, `classify --spotify`, `index <link>`). */
  needsSpotify: boolean;
  logger?: Logger;
  /** Routes preview downloads; tests point it at the loopback fakes. Default: undici's global dispatcher. */
  dispatcher?: Dispatcher;
  poolSize?: number;
}

/**
 * Wires the real pieces together in the one order that works: the analyzer (which knows the model
 * version), then the catalog (which keeps only that version's embeddings searchable), then Spotify
 * and the preview resolver, with their caches on the catalog's store.
 */
export async function openServices(config: Config, options: OpenOptions): Promise<Services> {
  const logger = options.logger ?? log;
  const analyzer: AnalyzerPool = createAnalyzerPool({ size: options.poolSize, modelDir: config.modelDir });
  let catalog: Catalog | undefined;
  let caches: Caches | undefined;
  try {
    const modelVersion = await analyzer.modelVersion();
    catalog = await openCatalog({
      storeUrl: config.storeUrl,
      modelVersion,
      logger: logger.child({ module: "catalog" }),
    });
    caches = options.needsSpotify ? await openCaches(config.storeUrl) : undefined;
    const spotify = caches
      ? createSpotify({
          ...config.spotify,
          cache: caches.suggestions,
          logger: logger.child({ module: "spotify" }),
        })
      : undefined;
    const previews = caches
      ? createPreviewResolver({
          cache: caches.previewSources,
          dispatcher: options.dispatcher,
          logger: logger.child({ module: "previews" }),
        })
      : undefined;
    const service = createTrackService({ spotify, previews, analyzer, catalog, modelVersion, logger });
    const opened = { catalog, caches };
    return {
      service,
      spotify,
      async close() {
        await Promise.allSettled([analyzer.close(), opened.catalog.close(), opened.caches?.close()]);
      },
    };
  } catch (error) {
    await Promise.allSettled([analyzer.close(), catalog?.close(), caches?.close()]);
    throw error;
  }
}

/** No colon in a namespace: Keyv splits namespaced keys at the first one (see src/catalog/store.ts). */
const CACHE_NAMESPACES = { previewSources: "genrebot-preview-sources", suggestions: "genrebot-suggestions" };
const REDIS_CONNECT_MS = 5000;
const REDIS_COMMAND_MS = 1000;
/** SQLite keeps expired entries until they are read again; sweep them this often. */
const SQLITE_SWEEP_MS = 60 * 60_000;

interface Caches {
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
async function openCaches(storeUrl: string): Promise<Caches> {
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
    await withTimeout(connecting, REDIS_CONNECT_MS, "connecting the caches to Redis").catch(() => {
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

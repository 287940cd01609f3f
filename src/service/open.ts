import type { Dispatcher } from "undici";
import { type Catalog, openCatalog } from "../catalog/index.js";
import { type AnalyzerPool, createAnalyzerPool } from "../classifier/index.js";
import type { Config } from "../config.js";
import { type Logger, log } from "../log.js";
import { createPreviewResolver } from "../previews/index.js";
import { createSpotify, type SpotifyClient } from "../spotify/index.js";
import { type Caches, openCaches } from "./caches.js";
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

import type { Dispatcher } from "undici";
import { type Catalog, openCatalog } from "../catalog/index.js";
import { type AnalyzerPool, createAnalyzerPool } from "../classifier/index.js";
import type { Config } from "../config.js";
import { type Logger, log } from "../log.js";
import { createDeezerFinder, createPreviewResolver } from "../previews/index.js";
import { createSpotify, type TrackFinder } from "../spotify/index.js";
import { type Caches, openCaches } from "./caches.js";
import { createTrackService, type TrackService } from "./track-service.js";

export interface Services {
  service: TrackService;
  /** Where tracks are searched (Spotify with credentials, else Deezer); autocomplete uses it directly. */
  finder?: TrackFinder;
  /** What the bot looks tracks up and takes audio from, in order, for the start-up message. */
  sources: { search: string | undefined; audio: string[] };
  /** Stops the analyzer workers and closes the store and the caches on it. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /**
   * Whether this entry point looks tracks up by name or link (the bot, `classify --spotify`,
   * `index <link>`): on Spotify when the config has credentials, else on Deezer.
   */
  lookups: boolean;
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
    caches = options.lookups ? await openCaches(config.storeUrl) : undefined;
    const spotify =
      caches && config.spotify
        ? createSpotify({
            ...config.spotify,
            cache: caches.suggestions,
            logger: logger.child({ module: "spotify" }),
          })
        : undefined;
    const deezer = caches
      ? createDeezerFinder({
          cache: caches.suggestions,
          http: { dispatcher: options.dispatcher },
          logger: logger.child({ module: "deezer" }),
        })
      : undefined;
    const previews = caches
      ? createPreviewResolver({
          cache: caches.previewSources,
          dispatcher: options.dispatcher,
          logger: logger.child({ module: "previews" }),
        })
      : undefined;
    const service = createTrackService({
      spotify,
      deezer,
      previews,
      analyzer,
      catalog,
      modelVersion,
      logger,
    });
    const opened = { catalog, caches };
    return {
      service,
      finder: spotify ?? deezer,
      sources: {
        search: (spotify ?? deezer)?.name,
        audio: previews ? [...(spotify ? ["Spotify"] : []), "Deezer", "iTunes"] : [],
      },
      async close() {
        await Promise.allSettled([analyzer.close(), opened.catalog.close(), opened.caches?.close()]);
      },
    };
  } catch (error) {
    await Promise.allSettled([analyzer.close(), catalog?.close(), caches?.close()]);
    throw error;
  }
}

/** The start-up line naming where tracks are looked up and where their audio comes from. */
export function describeSources(sources: Services["sources"]): string {
  const search =
    sources.search === "Spotify"
      ? "Spotify"
      : `${sources.search ?? "nothing"} (no Spotify credentials: Spotify links are answered with a note)`;
  return `Search and metadata: ${search}. Preview audio: ${sources.audio.join(", then ") || "none"}.`;
}

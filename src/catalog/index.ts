/** The catalog of indexed tracks: a Keyv store plus the in-memory vector index behind similar(). */
export { type Catalog, type CatalogOptions, openCatalog } from "./catalog.js";
export { StoreUnavailableError } from "./errors.js";
export type { Neighbour, SimilarOptions } from "./memory-index.js";
export type { TrackRecord } from "./record.js";
export type { ServerStats } from "./server-stats.js";

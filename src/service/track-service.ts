import { createHash } from "node:crypto";
import path from "node:path";
import { readInputFile } from "../audio/index.js";
import type { Catalog, Neighbour, TrackRecord } from "../catalog/index.js";
import { StoreUnavailableError } from "../catalog/index.js";
import type { Analysis, AnalyzerPool } from "../classifier/index.js";
import { UserFacingError, userMessage } from "../errors.js";
import { type Logger, log as rootLog } from "../log.js";
import type { PreviewResolver } from "../previews/index.js";
import { deezerIdOf, NO_SPOTIFY_ACCESS, parseDeezerLink } from "../previews/index.js";
import type { Track, TrackFinder } from "../spotify/index.js";
import { parseSpotifyLink } from "../spotify/index.js";

export interface AnalyzedTrack {
  record: TrackRecord;
  analysis: Analysis;
  track?: Track;
  /** False when the store was down: the result is shown but not remembered. */
  saved: boolean;
  /** The catalog already held this track, analysed by the current model. */
  reused: boolean;
}

export interface IndexProgress {
  done: number;
  total: number;
  indexed: number;
  skipped: number;
  withoutPreview: number;
  failed: number;
  /** Analysed, but the catalog store did not confirm the write: not indexed, picked up by a re-run. */
  notSaved: number;
  /** Set on the progress event of the item that just failed: what it was and why, in plain words. */
  failure?: { item: string; reason: string };
}

/** How bulk indexing names tracks the store did not confirm, in the CLI and in /index alike. */
export function notSavedSentence(count: number): string {
  return `${count} not saved: the catalog store did not answer — run the same command again to resume.`;
}

/** How a background bulk job shares the machine: fewer lanes, and a wait before each item. */
export interface BulkPacing {
  concurrency: number;
  /** Awaited before each item (a pause, waiting for members' requests to finish). */
  beforeEach: () => Promise<void>;
}

export interface TrackQuery {
  artist?: string;
  song?: string;
  link?: string;
}

export interface TrackService {
  readonly modelVersion: string;
  /** Where search and metadata come from ("Spotify" or "Deezer"); undefined when lookups are off. */
  readonly searchSource: string | undefined;
  /** Finds one track from what a member typed: a Spotify or Deezer link, or artist + song. */
  find(query: TrackQuery): Promise<Track>;
  /** The track behind a catalog id (a Spotify id or `deezer:<n>`), looked up again. */
  findById(id: string): Promise<Track>;
  /** Track → preview → analysis (worker pool) → catalog. */
  /** `server`: the Discord guild the request came from; the track joins that server's catalog. */
  analyzeTrack(track: Track, server?: string): Promise<AnalyzedTrack>;
  /** An uploaded or local audio file → analysis → catalog, keyed by a hash of its bytes. */
  analyzeFile(bytes: Uint8Array, fileName: string, server?: string): Promise<AnalyzedTrack>;
  /** Notes that `server` heard an indexed track (answered without analysing it again). */
  hearIn(record: TrackRecord, server: string | undefined): Promise<void>;
  /** The server forgets one track (the record is deleted once no server has it); see Catalog.forget. */
  forget(id: string, server: string): Promise<"not-heard" | "forgotten" | "deleted">;
  /** The server forgets every track it heard; returns how many. */
  forgetServer(server: string): Promise<number>;
  /** The catalog's record of a track analysed by the current model, so /similar need not hear it again. */
  lookup(id: string): Promise<TrackRecord | undefined>;
  /** `server`: only tracks that server heard; the whole catalog when absent. */
  similar(record: TrackRecord, options: { k: number; sameGenre?: boolean; server?: string }): Neighbour[];
  catalogSize(server?: string): number;
  /** The catalog itself, for read-only statistics. */
  readonly catalog: Catalog;
  indexCollection(
    link: string,
    onProgress?: (progress: IndexProgress) => void,
    signal?: AbortSignal,
    server?: string,
  ): Promise<IndexProgress>;
  /**
   * Re-analyses every record an older model made, counted like a bulk index job: each track is found
   * again, its preview fetched and analysed, and the record rewritten in place (same id, servers and
   * first indexedAt). One whose audio can no longer be had is kept as it is and counted "without
   * preview". A record done is current, so rerunning resumes.
   */
  reindex(
    onProgress?: (progress: IndexProgress) => void,
    signal?: AbortSignal,
    pacing?: BulkPacing,
  ): Promise<IndexProgress>;
  indexFiles(
    paths: string[],
    onProgress?: (progress: IndexProgress) => void,
    signal?: AbortSignal,
  ): Promise<IndexProgress>;
}

export interface TrackServiceDeps {
  /** Search and metadata when the bot has Spotify credentials: then always the first source. */
  spotify?: TrackFinder;
  /** Deezer's keyless API: search when there is no Spotify, and Deezer links either way. */
  deezer?: TrackFinder;
  previews?: PreviewResolver;
  analyzer: AnalyzerPool;
  catalog: Catalog;
  modelVersion: string;
  logger?: Logger;
  /** How many tracks a bulk job analyses at once; the analyzer pool bounds CPU use anyway. */
  bulkConcurrency?: number;
}

type Source = Pick<
  TrackRecord,
  "id" | "isrc" | "title" | "artists" | "album" | "artworkUrl" | "spotifyUrl" | "deezerUrl" | "previewSource"
>;

function toRecord(source: Source, analysis: Analysis): TrackRecord {
  const top = analysis.genres[0];
  if (!top) throw new Error("analysis returned no genres");
  return {
    ...source,
    genres: analysis.genres,
    topGenre: top.genre,
    embedding: analysis.embedding,
    modelVersion: analysis.modelVersion,
    indexedAt: new Date().toISOString(),
  };
}

/** Content hash, so the same recording uploaded twice is one catalog entry. */
export function fileTrackId(bytes: Uint8Array): string {
  return `file:${createHash("sha256").update(bytes).digest("hex").slice(0, 24)}`;
}

/**
 * Refuses, in words for any front end, a query that names no single track. Front ends call it
 * before spending anything on the request; find() calls it too.
 */
export function checkTrackQuery(query: TrackQuery): void {
  const link = query.link?.trim();
  if (link) {
    const kind = parseSpotifyLink(link)?.kind;
    if (kind !== undefined && kind !== "track") {
      throw new UserFacingError("not-a-track", "That link is an album or playlist, not a single track.");
    }
    return;
  }
  if (!query.artist?.trim() && !query.song?.trim()) {
    throw new UserFacingError(
      "empty-query",
      "Tell me an artist and a song, or paste a Spotify or Deezer link.",
    );
  }
}

export function createTrackService(deps: TrackServiceDeps): TrackService {
  const logger = deps.logger ?? rootLog.child({ module: "service" });
  const { catalog, analyzer } = deps;

  function finder(): TrackFinder {
    const found = deps.spotify ?? deps.deezer;
    if (!found) throw new UserFacingError("lookups-off", "Track lookups are not configured here.");
    return found;
  }

  /** A pasted link: Spotify links need Spotify access, Deezer links are answered by Deezer. */
  async function findLink(link: string): Promise<Track> {
    if (parseSpotifyLink(link) && !deps.spotify) throw new UserFacingError("no-spotify", NO_SPOTIFY_ACCESS);
    if (deps.deezer && parseDeezerLink(link) !== undefined) return deps.deezer.track(link);
    return finder().track(link);
  }

  async function lookup(id: string): Promise<TrackRecord | undefined> {
    const existing = await catalog.get(id).catch(() => undefined);
    return existing && catalog.isCurrent(existing) ? existing : undefined;
  }

  async function isIndexed(id: string): Promise<boolean> {
    return (await lookup(id)) !== undefined;
  }

  /** Saves the record; a store outage downgrades to "shown but not remembered" rather than failing the reply. */
  async function remember(record: TrackRecord, server: string | undefined): Promise<boolean> {
    try {
      await catalog.put(record, { heardIn: server });
      return true;
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      logger.warn({ id: record.id }, "store unavailable: analysis not saved");
      return false;
    }
  }

  /** remember() for a re-analysis: over the stored copy, and only while the track is still indexed. */
  async function rememberReanalysis(record: TrackRecord): Promise<boolean> {
    try {
      if (await catalog.replace(record)) return true;
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      logger.warn({ id: record.id }, "store unavailable: re-analysis not saved");
      return false;
    }
    throw forgottenMeanwhile();
  }

  /**
   * `reused`: whether the catalog already held this track (callers that looked pass what they saw).
   * `previous`: the older-model record this analysis replaces; its identity and history are kept.
   */
  async function hearTrack(
    track: Track,
    reused: boolean,
    server?: string,
    previous?: TrackRecord,
  ): Promise<AnalyzedTrack> {
    if (!deps.previews)
      throw new UserFacingError("previews-off", "Preview downloads are not configured here.");
    const preview = await deps.previews.resolve(track);
    const analysis = await analyzer.analyze(preview.bytes);
    const record = toRecord(
      {
        id: track.id,
        isrc: track.isrc,
        title: track.title,
        artists: track.artists,
        album: track.album,
        artworkUrl: track.artworkUrl,
        spotifyUrl: track.spotifyUrl,
        deezerUrl: track.deezerUrl,
        previewSource: preview.source,
      },
      analysis,
    );
    if (previous) {
      // The provider may answer with a relinked id: the catalog's identity stays the stored one.
      Object.assign(record, {
        id: previous.id,
        indexedAt: previous.indexedAt,
        reanalysedAt: record.indexedAt,
      });
    }
    const saved = previous ? await rememberReanalysis(record) : await remember(record, server);
    return { record, analysis, track, saved, reused };
  }

  async function hearFile(
    bytes: Uint8Array,
    fileName: string,
    id: string,
    reused: boolean,
    server?: string,
  ): Promise<AnalyzedTrack> {
    const analysis = await analyzer.analyze(bytes);
    const title = path.basename(fileName, path.extname(fileName)) || fileName;
    const record = toRecord({ id, title, artists: [], previewSource: "upload" }, analysis);
    return { record, analysis, saved: await remember(record, server), reused };
  }

  /** A stored record's track, looked up again; from its stored details when the provider can't be asked. */
  async function storedTrack(record: TrackRecord): Promise<Track> {
    try {
      return await findById(record.id);
    } catch (error) {
      if (!(error instanceof UserFacingError)) throw error;
      // Lookups off, no Spotify access, or the provider no longer lists it: the ISRC (or Deezer id)
      // and names still let the preview resolver find the recording.
      return {
        id: record.id,
        title: record.title,
        artists: record.artists,
        album: record.album ?? "",
        durationMs: 0,
        isrc: record.isrc,
        deezerId: deezerIdOf(record.id),
        spotifyUrl: record.spotifyUrl,
        deezerUrl: record.deezerUrl,
      };
    }
  }

  /** bulk() has just seen that the record is not current. */
  async function reanalyse(id: string): Promise<AnalyzedTrack> {
    const previous = await catalog.get(id);
    if (!previous) throw forgottenMeanwhile();
    if (id.startsWith("file:")) {
      throw new UserFacingError("no-preview", "an uploaded file: its audio was not kept, send it again.");
    }
    return hearTrack(await storedTrack(previous), false, undefined, previous);
  }

  const forgottenMeanwhile = () => new UserFacingError("not-indexed", "it was forgotten meanwhile.");

  async function findById(id: string): Promise<Track> {
    if (id.startsWith("file:")) {
      throw new UserFacingError("not-indexed", "That upload isn't in the catalog any more — send it again.");
    }
    const deezerId = deezerIdOf(id);
    return findLink(
      deezerId === undefined ? `spotify:track:${id}` : `https://www.deezer.com/track/${deezerId}`,
    );
  }

  async function analyzeTrack(track: Track, server?: string): Promise<AnalyzedTrack> {
    return hearTrack(track, await isIndexed(track.id), server);
  }

  async function analyzeFile(bytes: Uint8Array, fileName: string, server?: string): Promise<AnalyzedTrack> {
    const id = fileTrackId(bytes);
    return hearFile(bytes, fileName, id, await isIndexed(id), server);
  }

  /**
   * Runs every item with bounded concurrency, counting outcomes. `prepare` names the item's catalog id
   * (so work already done with the current model is skipped: bulk jobs resume) and how to index it.
   * One failing track never stops the job: the member sees how many were skipped or had no preview.
   */
  async function bulk<T>(
    items: T[],
    describe: (item: T) => string,
    prepare: (item: T) => Promise<{ id: string; run: () => Promise<AnalyzedTrack> }>,
    onProgress?: (progress: IndexProgress) => void,
    signal?: AbortSignal,
    server?: string,
    pacing?: BulkPacing,
  ): Promise<IndexProgress> {
    const progress: IndexProgress = {
      done: 0,
      total: items.length,
      indexed: 0,
      skipped: 0,
      withoutPreview: 0,
      failed: 0,
      notSaved: 0,
    };
    let next = 0;
    const runOne = async (item: T) => {
      let failure: IndexProgress["failure"];
      try {
        const { id, run } = await prepare(item);
        if (await isIndexed(id)) {
          // Already analysed (perhaps for another server): this server has now heard it too.
          if (server !== undefined) await catalog.hear(id, server);
          progress.skipped++;
        }
        // Indexed only once the store confirmed the write; otherwise a re-run picks it up.
        else if ((await run()).saved) progress.indexed++;
        else progress.notSaved++;
      } catch (error) {
        if (error instanceof UserFacingError && error.code === "no-preview") progress.withoutPreview++;
        else {
          progress.failed++;
          failure = { item: describe(item), reason: userMessage(error) };
          // The caller reports the reason; a stack trace is for bugs, or for whoever asks (debug).
          if (error instanceof UserFacingError) logger.debug({ err: error }, "bulk index: item failed");
          else logger.warn({ err: error }, "bulk index: item failed");
        }
      }
      progress.done++;
      onProgress?.({ ...progress, ...(failure ? { failure } : {}) });
    };
    const lane = async () => {
      while (next < items.length && !signal?.aborted) {
        await pacing?.beforeEach();
        if (signal?.aborted || next >= items.length) break;
        await runOne(items[next++] as T);
      }
    };
    await Promise.all(Array.from({ length: pacing?.concurrency ?? deps.bulkConcurrency ?? 2 }, lane));
    return progress;
  }

  return {
    modelVersion: deps.modelVersion,
    searchSource: (deps.spotify ?? deps.deezer)?.name,

    async find(query) {
      checkTrackQuery(query);
      const link = query.link?.trim();
      if (link) return findLink(link);
      const artist = query.artist?.trim() ?? "";
      const song = query.song?.trim() ?? "";
      const [best] = await finder().search(artist, song);
      if (!best) {
        throw new UserFacingError("not-found", `I couldn't find “${song || artist}” on ${finder().name}.`);
      }
      return best;
    },

    findById,

    async reindex(onProgress, signal, pacing) {
      const prepare = async (id: string) => ({ id, run: () => reanalyse(id) });
      return bulk(catalog.staleIds(), (id) => id, prepare, onProgress, signal, undefined, pacing);
    },

    analyzeTrack,
    analyzeFile,
    lookup,

    async hearIn(record, server) {
      if (server === undefined) return;
      try {
        await catalog.hear(record.id, server);
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error;
        logger.warn({ id: record.id }, "store unavailable: server not recorded");
      }
    },

    forget: (id, server) => catalog.forget(id, server),
    forgetServer: (server) => catalog.forgetServer(server),

    similar(record, options) {
      return catalog.similar(record, options);
    },

    catalogSize(server) {
      return catalog.size(server);
    },
    catalog,

    async indexCollection(link, onProgress, signal, server) {
      const { tracks } = await finder().collection(link);
      return bulk(
        tracks,
        (track) => `${track.artists.join(", ")} — ${track.title}`,
        // bulk() has just seen that the track is not indexed: no second look-up.
        async (track) => ({ id: track.id, run: () => hearTrack(track, false, server) }),
        onProgress,
        signal,
        server,
      );
    },

    async indexFiles(paths, onProgress, signal) {
      const prepare = async (file: string) => {
        const bytes = await readInputFile(file);
        const id = fileTrackId(bytes);
        return { id, run: () => hearFile(bytes, file, id, false) };
      };
      return bulk(paths, (file) => file, prepare, onProgress, signal);
    },
  };
}

import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Neighbour, TrackRecord } from "../../src/catalog/index.js";
import { type Analysis, createAnalyzerPool, type NotMusicError } from "../../src/classifier/index.js";

/** Real labelled clips for judging recommendations: does a clip's neighbourhood share its genre? */
export const EMOTIFY = path.resolve(import.meta.dirname, "../../../shared/data/emotify");
export const EMOTIFY_GENRES = ["classical", "electronic", "pop", "rock"] as const;

export interface EmotifyClip {
  /** Catalog id, e.g. "emotify:rock:7"; also its title. */
  id: string;
  genre: string;
  file: string;
}

/** Clips 1..perGenre of every genre. */
export function emotifyClips(perGenre: number): EmotifyClip[] {
  return EMOTIFY_GENRES.flatMap((genre) =>
    Array.from({ length: perGenre }, (_, i) => ({
      id: `emotify:${genre}:${i + 1}`,
      genre,
      file: path.join(EMOTIFY, genre, `${i + 1}.mp3`),
    })),
  );
}

export interface AnalyzedClip {
  clip: EmotifyClip;
  analysis: Analysis;
}

/**
 * Analyses every clip on a worker pool, a few at a time: the pool refuses a flood of jobs. A clip
 * the analyser hears no music in (NotMusicError: Emotify's electronic/68, a soundscape) is left
 * out, as the bot would never index it, and added to `refused` when given.
 */
export async function analyzeClips(
  clips: EmotifyClip[],
  refused: EmotifyClip[] = [],
): Promise<AnalyzedClip[]> {
  const lanes = 4;
  const pool = createAnalyzerPool({ size: 2 });
  const analyzed: AnalyzedClip[] = [];
  const queue = [...clips];
  const lane = async () => {
    for (let clip = queue.shift(); clip; clip = queue.shift()) {
      try {
        analyzed.push({ clip, analysis: await pool.analyze(new Uint8Array(await readFile(clip.file))) });
      } catch (error) {
        if ((error as NotMusicError).code !== "no-music") throw error;
        refused.push(clip);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: lanes }, lane));
  } finally {
    await pool.close();
  }
  return analyzed;
}

/** The record the service would store for an uploaded clip (no artists: only the id identifies it). */
export function clipRecord({ clip, analysis }: AnalyzedClip): TrackRecord {
  return {
    id: clip.id,
    title: clip.id,
    artists: [],
    genres: analysis.genres,
    topGenre: analysis.genres[0]?.genre ?? "",
    embedding: analysis.embedding,
    modelVersion: analysis.modelVersion,
    indexedAt: new Date().toISOString(),
  };
}

/** Mean share of each clip's k nearest (itself excluded) that have its true genre. */
export function precisionAtK(
  similar: (record: TrackRecord, options: { k: number }) => Neighbour[],
  records: TrackRecord[],
  clips: EmotifyClip[],
  k: number,
): number {
  const genreOf = new Map(clips.map((clip) => [clip.id, clip.genre]));
  let sum = 0;
  for (const record of records) {
    const hits = similar(record, { k });
    sum += hits.filter((hit) => genreOf.get(hit.record.id) === genreOf.get(record.id)).length / k;
  }
  return sum / records.length;
}

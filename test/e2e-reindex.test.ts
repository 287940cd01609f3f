import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openCatalog, type TrackRecord } from "../src/catalog/index.js";
import { type BotHarness, clipSongs, SILENT_SONG, startBotHarness } from "./fakes/discord/harness.js";
import { olderModelRecord, seededRandom } from "./helpers/catalog-records.js";

/**
 * The bot's background re-analysis: started with a catalog an older model made (real SQLite), the
 * running bot (real discord.js on the fake gateway, real models, fake Deezer previews) re-analyses
 * those records in place while it answers members, and keeps the one whose audio is gone.
 */
const OLD_MODEL = "old-model-32d";
const SONGS = clipSongs(1).slice(0, 2);
const GUILD = "222222222222222222";
const random = seededRandom(21);
const dir = mkdtempSync(path.join(tmpdir(), "genrebot-e2e-reindex-"));
const storeUrl = `sqlite://${path.join(dir, "catalog.sqlite")}`;

const OLD: TrackRecord[] = [...SONGS, SILENT_SONG].map((song, i) =>
  olderModelRecord(i + 1, song, { modelVersion: OLD_MODEL, server: GUILD, random }),
);

let h: BotHarness;

beforeAll(async () => {
  const catalog = await openCatalog({ storeUrl, modelVersion: OLD_MODEL });
  for (const record of OLD) await catalog.put(record);
  await catalog.close();
  h = await startBotHarness({
    songs: [...SONGS, SILENT_SONG],
    storeUrl,
    backgroundReindex: { pauseMs: 100 },
  });
}, 120_000);

afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe("the bot's background re-analysis", () => {
  it("re-analyses older-model records while the bot runs, keeping their servers and history", async () => {
    const { catalog } = h.service;
    await vi.waitFor(
      () => {
        expect(catalog.size()).toBe(SONGS.length);
        expect(catalog.staleCount()).toBe(1);
      },
      { timeout: 240_000, interval: 200 },
    );
    for (const old of OLD.slice(0, SONGS.length)) {
      const record = await catalog.get(old.id);
      expect(record?.modelVersion).toBe(h.service.modelVersion);
      expect(record).toMatchObject({ id: old.id, heardIn: old.heardIn, indexedAt: old.indexedAt });
    }
    // Searchable again, in the server that heard them.
    expect(catalog.size(GUILD)).toBe(SONGS.length);
    // Its audio is gone: kept exactly as it was.
    expect(await catalog.get(SILENT_SONG.spotifyId)).toEqual(OLD[SONGS.length]);
  }, 300_000);
});

describe("the bot's background re-analysis at shutdown", () => {
  it("stops with the bot, leaving the records to the next start", async () => {
    const otherDir = mkdtempSync(path.join(tmpdir(), "genrebot-e2e-reindex-"));
    const otherUrl = `sqlite://${path.join(otherDir, "catalog.sqlite")}`;
    try {
      const before = await openCatalog({ storeUrl: otherUrl, modelVersion: OLD_MODEL });
      for (const record of OLD) await before.put(record);
      await before.close();
      // An hour's pause before the first track: only stopping on shutdown lets close() return
      // before the harness's two-minute shutdown bound.
      const bot = await startBotHarness({
        songs: [...SONGS, SILENT_SONG],
        storeUrl: otherUrl,
        backgroundReindex: { pauseMs: 3_600_000 },
      });
      expect(bot.service.catalog.staleCount()).toBe(OLD.length);
      await bot.close();
      const after = await openCatalog({ storeUrl: otherUrl, modelVersion: OLD_MODEL });
      try {
        for (const old of OLD) expect(await after.get(old.id)).toEqual(old);
      } finally {
        await after.close();
      }
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  }, 60_000);
});

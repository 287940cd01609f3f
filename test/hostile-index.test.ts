import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import sqlite3 from "sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../src/catalog/store.js";
import { createLogger } from "../src/log.js";
import { DATA_DIR, makeWav, seededRandom, sine } from "./audio-helpers.js";
import { adpcmTaggedWav } from "./helpers/bombs.js";
import { genrebot, spawnGenrebot } from "./helpers/genrebot.js";
import { startPrivateRedis } from "./helpers/redis.js";

/**
 * Issue 9, items 6–9: `genrebot index` as a person runs it (a real process, real clips, real
 * SQLite and Redis) when the store fails under it, when files are bad, linked or silent. The rule
 * checked throughout: what the command reports as indexed is exactly what the store holds.
 */
const dir = mkdtempSync(path.join(os.tmpdir(), "genrebot-hostile-index-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const silent = createLogger("silent");
const EMOTIFY = path.join(DATA_DIR, "emotify");

/** A folder of `count` distinct Emotify clips (distinct bytes, so distinct catalog ids). */
function clipFolder(name: string, count: number): string {
  const folder = path.join(dir, name);
  mkdirSync(folder, { recursive: true });
  const genres = ["classical", "electronic", "pop", "rock"];
  for (let i = 0; i < count; i++) {
    const genre = genres[i % genres.length] as string;
    const id = Math.floor(i / genres.length) + 1;
    copyFileSync(path.join(EMOTIFY, genre, `${id}.mp3`), path.join(folder, `${genre}-${id}.mp3`));
  }
  return folder;
}

async function storedCount(url: string): Promise<number> {
  const store = await openStore(url, { logger: silent, timeoutMs: 5000 });
  try {
    return await store.count();
  } finally {
    await store.close();
  }
}

function reported(stdout: string): { indexed: number; notSaved: number } {
  const indexed = Number(/(\d+) newly indexed/.exec(stdout)?.[1]);
  const notSaved = Number(/(\d+) not saved: the catalog store did not answer/.exec(stdout)?.[1] ?? 0);
  return { indexed, notSaved };
}

async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("a track counts as indexed only once the store confirmed it (item 6)", () => {
  it("Redis on a port nobody listens on: every clip is named not saved, exit 1", async () => {
    const folder = clipFolder("dead-redis", 3);
    const run = await genrebot(["index", folder], { STORE_URL: `redis://127.0.0.1:${await deadPort()}` });
    expect(run.stdout).toMatch(/0 newly indexed/);
    expect(run.stdout).toContain(
      "3 not saved: the catalog store did not answer — run the same command again to resume.",
    );
    expect(run.code).toBe(1);
  });

  it("Redis SIGKILLed mid-run and restarted: reported indexed = stored", { timeout: 300_000 }, async () => {
    const redis = await startPrivateRedis();
    try {
      const folder = clipFolder("killed-redis", 12);
      const run = spawnGenrebot(["index", folder], { STORE_URL: redis.url });
      await run.waitFor(/indexing tracks: ([3-9]|1[0-2])\/12/);
      await redis.kill();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await redis.start();
      const result = await run.done;
      const { indexed, notSaved } = reported(result.stdout);
      expect(indexed).toBe(await storedCount(redis.url));
      expect(indexed + notSaved).toBe(12);
      expect(result.code).toBe(notSaved > 0 ? 1 : 0);
    } finally {
      await redis.dispose();
    }
  });

  it("SQLite write-locked by another connection for 8 s or more: reported indexed = stored", {
    timeout: 300_000,
  }, async () => {
    const file = path.join(dir, "locked.sqlite");
    const url = `sqlite://${file}`;
    await storedCount(url); // creates the file and its table, as a bot already running would have
    const folder = clipFolder("locked-sqlite", 12);
    const run = spawnGenrebot(["index", folder], { STORE_URL: url });
    await run.waitFor(/indexing tracks: ([1-9]|1[0-2])\/12/);
    const other = new sqlite3.Database(file);
    await new Promise<void>((resolve, reject) =>
      other.exec("BEGIN EXCLUSIVE", (e) => (e ? reject(e) : resolve())),
    );
    // At least 8 s, and until two more tracks are through, so writes did meet the lock even when a
    // busy machine takes longer than that to analyse a clip.
    await Promise.all([
      new Promise((resolve) => setTimeout(resolve, 8000)),
      run.waitFor(/indexing tracks: ([3-9]|1[0-2])\/12/),
    ]);
    await new Promise<void>((resolve, reject) => other.exec("COMMIT", (e) => (e ? reject(e) : resolve())));
    await new Promise<void>((resolve) => other.close(() => resolve()));
    const result = await run.done;
    const { indexed, notSaved } = reported(result.stdout);
    expect(indexed).toBe(await storedCount(url));
    expect(indexed + notSaved).toBe(12);
    expect(notSaved).toBeGreaterThan(0); // the lock did bite
    expect(result.code).toBe(1);
  });
});

describe("bad, linked and silent files in a folder (items 7–9)", () => {
  const random = seededRandom(9);
  const noise = (seconds: number, rms: number) =>
    Float32Array.from({ length: 22_050 * seconds }, () => (random() * 2 - 1) * rms * Math.sqrt(3));
  const silence = () => makeWav(22_050, [new Float32Array(22_050 * 30)]);
  const nearSilence = () => makeWav(22_050, [noise(30, 10 ** (-70 / 20))]);

  beforeAll(() => {
    const bad = path.join(dir, "bad");
    mkdirSync(bad, { recursive: true });
    const mp3 = path.join(EMOTIFY, "rock", "1.mp3");
    copyFileSync(mp3, path.join(bad, "good.mp3"));
    writeFileSync(path.join(bad, "notes.mp3"), "These are my notes, not a song.\n");
    writeFileSync(path.join(bad, "picture.wav"), Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"));
    writeFileSync(path.join(bad, "empty.flac"), "");
    writeFileSync(path.join(bad, "short.wav"), makeWav(44_100, [sine(440, 44_100, 0.2)]));
    writeFileSync(path.join(bad, "adpcm.wav"), adpcmTaggedWav(0x11));
    writeFileSync(path.join(bad, "silence.wav"), silence());
    writeFileSync(path.join(bad, "near-silence.wav"), nearSilence());
  });

  it("7. one plain line per failed file (its path and reason), a summary, and no JSON logs", async () => {
    const url = `sqlite://${path.join(dir, "bad.sqlite")}`;
    const folder = path.join(dir, "bad");
    const run = await genrebot(["index", folder], { STORE_URL: url, LOG_LEVEL: undefined });
    const output = `${run.stderr}\n${run.stdout}`;
    expect(output).not.toMatch(/^\s*\{/m);
    const failures = output.split("\n").filter((line) => line.startsWith("✗ "));
    expect(failures).toHaveLength(7);
    for (const name of ["notes.mp3", "picture.wav", "empty.flac", "short.wav", "adpcm.wav", "silence.wav"]) {
      expect(failures.some((line) => line.startsWith(`✗ ${path.join(folder, name)}: `))).toBe(true);
    }
    expect(failures.find((line) => line.includes("notes.mp3"))).toMatch(/a text file, not audio/);
    expect(run.stdout).toMatch(
      /1 newly indexed, 0 already indexed with this model, 0 without a preview, 7 failed\./,
    );
    expect(await storedCount(url)).toBe(1);
    expect(run.code).toBe(1);
  });

  it("8. a folder of symbolic links is followed, and a link back up the tree does not loop", async () => {
    const links = path.join(dir, "links");
    mkdirSync(links, { recursive: true });
    symlinkSync(path.join(EMOTIFY, "pop", "1.mp3"), path.join(links, "one.mp3"));
    symlinkSync(path.join(EMOTIFY, "classical", "1.mp3"), path.join(links, "two.mp3"));
    const sub = path.join(dir, "linked-folder");
    mkdirSync(sub, { recursive: true });
    copyFileSync(path.join(EMOTIFY, "electronic", "1.mp3"), path.join(sub, "three.mp3"));
    symlinkSync(sub, path.join(links, "folder"));
    symlinkSync(links, path.join(links, "loop"));
    symlinkSync(path.join(dir, "nowhere.mp3"), path.join(links, "dangling.mp3"));
    const run = await genrebot(["index", links], { STORE_URL: `sqlite://${path.join(dir, "links.sqlite")}` });
    expect(run.stdout).toMatch(/3 newly indexed/);
    expect(run.code).toBe(0);
  });

  it("9. silence and near-silence (−70 dBFS noise): “I couldn't hear any music in this”", async () => {
    for (const name of ["silence.wav", "near-silence.wav"]) {
      const run = await genrebot(["classify", path.join(dir, "bad", name)]);
      expect(run.stderr).toBe("genrebot classify: I couldn't hear any music in this.\n");
      expect(run.code).toBe(1);
    }
  });
});

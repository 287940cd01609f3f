import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { getGlobalDispatcher, setGlobalDispatcher } from "undici";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openCatalog } from "../src/catalog/index.js";
import { analyzeAudio } from "../src/classifier/index.js";
import { run } from "../src/cli/classify.js";
import {
  emotifyClip,
  type FakeInternet,
  type FakeSong,
  fakeSpotifyId,
  startFakeInternet,
} from "./fakes/index.js";

const CLIP = emotifyClip("rock", 1);
const SONG: FakeSong = {
  spotifyId: fakeSpotifyId(7, "cli"),
  title: "Northern Static",
  artists: ["The Loopback Band"],
  durationMs: 212_000,
  isrc: "GBCLI2600007",
  // New Spotify apps get no preview_url, so the audio must come from Deezer by ISRC.
  deezer: { id: 7007, previewFile: CLIP },
};

describe("genrebot classify --spotify (end to end against the fake services)", () => {
  let internet: FakeInternet;
  let restoreHttps: () => void;
  const previousDispatcher = getGlobalDispatcher();
  const storeFile = path.join(mkdtempSync(path.join(tmpdir(), "genrebot-cli-")), "catalog.sqlite");

  beforeAll(async () => {
    internet = await startFakeInternet({ songs: [SONG] });
    restoreHttps = internet.installGlobalHttpsAgent();
    // The CLI uses undici's global dispatcher for downloads: route it to the fakes, as a proxy would.
    setGlobalDispatcher(internet.dispatcher);
    vi.stubEnv("SPOTIFY_CLIENT_ID", internet.credentials.clientId);
    vi.stubEnv("SPOTIFY_CLIENT_SECRET", internet.credentials.clientSecret);
    vi.stubEnv("STORE_URL", `sqlite://${storeFile}`);
    vi.stubEnv("MODEL_DIR", "");
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    setGlobalDispatcher(previousDispatcher);
    restoreHttps();
    await internet.close();
  });

  it("finds the track, takes Deezer's preview, prints the same genres as the file itself, and indexes it", async () => {
    const printed: string[] = [];
    const spy = vi
      .spyOn(console, "log")
      .mockImplementation((line: unknown) => void printed.push(String(line)));
    let code: number;
    try {
      code = await run(["--spotify", "The Loopback Band - Northern Static"]);
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(0);
    const output = printed.join("\n");
    expect(output).toContain("Northern Static — The Loopback Band (preview: deezer)");

    // The preview is the shared clip, so the printed top genre must be what the file itself gives.
    const direct = await analyzeAudio(new Uint8Array(readFileSync(CLIP)));
    const top = direct.genres[0];
    expect(top).toBeDefined();
    const firstBar = output.split("\n")[1] ?? "";
    expect(firstBar.trim().startsWith(top?.genre ?? "?")).toBe(true);
    expect(output).toContain(`model ${direct.modelVersion}`);

    const catalog = await openCatalog({
      storeUrl: `sqlite://${storeFile}`,
      modelVersion: direct.modelVersion,
    });
    try {
      const record = await catalog.get(SONG.spotifyId);
      expect(record?.previewSource).toBe("deezer");
      expect(record?.isrc).toBe(SONG.isrc);
      expect(record?.topGenre).toBe(top?.genre);
    } finally {
      await catalog.close();
    }
  });

  it("says plainly when Spotify has no such song", async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation(() => {});
    await expect(run(["--spotify", "Nobody - Nothing At All"])).rejects.toMatchObject({ code: "not-found" });
    spy.mockRestore();
    expect(errors).toEqual([]);
  });
});

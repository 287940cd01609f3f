import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import { fetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type FakeInternet, type FakeSong, fakeSpotifyId, startFakeInternet } from "./fakes/index.js";
import { SPECS_DIR } from "./fakes/specs.js";

/**
 * The fake Spotify answers as the Spotify Web API description says Spotify answers
 * (../shared/specs/spotify, sonallux/spotify-web-api, OpenAPI 3.0): every body it serves to the
 * bot is validated against the response schema of its route and status.
 */

interface Operation {
  deprecated?: boolean;
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }>;
}
interface SpotifySpec {
  paths: Record<string, { get?: Operation }>;
  components: {
    responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
  } & Record<string, unknown>;
}

const spec = parse(readFileSync(`${SPECS_DIR}/spotify/fixed-spotify-open-api.yml`, "utf8")) as SpotifySpec;

/** OpenAPI 3.0's `nullable: true` as JSON Schema: `null` allowed too; refs point into the spec. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== "object") return node;
  const { nullable, ...rest } = node as Record<string, unknown>;
  const converted = Object.fromEntries(
    Object.entries(rest).map(([key, value]) => [
      key,
      key === "$ref" && typeof value === "string" ? value.replace(/^#\//, "spotify#/") : toJsonSchema(value),
    ]),
  );
  if (nullable !== true) return converted;
  if (typeof converted.type === "string") return { ...converted, type: [converted.type, "null"] };
  return { anyOf: [converted, { type: "null" }] };
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ $id: "spotify", components: toJsonSchema(spec.components) } as object);

const validators = new Map<string, ValidateFunction>();
/** The validator of the body Spotify sends for `GET template` with `status`. */
function responseSchema(template: string, status: number): ValidateFunction {
  const key = `${template} ${status}`;
  const known = validators.get(key);
  if (known) return known;
  const response = spec.paths[template]?.get?.responses[String(status)];
  if (!response) throw new Error(`the description has no ${status} for GET ${template}`);
  const resolved = response.$ref ? spec.components.responses[response.$ref.split("/").pop() ?? ""] : response;
  const schema = resolved?.content?.["application/json"]?.schema;
  if (!schema) throw new Error(`no JSON body for ${key}`);
  const validate = ajv.compile(toJsonSchema(schema) as object);
  validators.set(key, validate);
  return validate;
}

const SONGS: FakeSong[] = Array.from({ length: 60 }, (_, i) => ({
  spotifyId: fakeSpotifyId(i, "spec"),
  title: `Song ${i}`,
  artists: [`Artist ${i}`, "Guest"],
  album: "Spec Album",
  durationMs: 200_000 + i,
  ...(i % 2 === 0 ? { isrc: `TESTSPEC${String(i).padStart(4, "0")}` } : {}),
}));
const PLAYLIST_ID = fakeSpotifyId(1, "specplaylist");
const ALBUM_ID = fakeSpotifyId(1, "specalbum");

let internet: FakeInternet;
let token: string;

beforeAll(async () => {
  internet = await startFakeInternet({
    songs: SONGS,
    playlists: [
      {
        id: PLAYLIST_ID,
        name: "Spec playlist",
        entries: [
          ...SONGS.slice(0, 55).map((s) => s.spotifyId),
          { removed: true },
          { local: "demo.mp3" },
          { episode: "512ojhOuo1ktJprKbVcKyQ" },
        ],
      },
    ],
    albums: [{ id: ALBUM_ID, name: "Spec Album", trackIds: SONGS.map((s) => s.spotifyId) }],
  });
  const response = await fetch("https://accounts.spotify.com/api/token", {
    method: "POST",
    dispatcher: internet.dispatcher,
    headers: {
      authorization: `Basic ${Buffer.from(`${internet.credentials.clientId}:${internet.credentials.clientSecret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials",
  });
  token = ((await response.json()) as { access_token: string }).access_token;
});

afterAll(async () => {
  await internet?.close();
});

async function get(path: string, bearer = token): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`https://api.spotify.com/v1${path}`, {
    dispatcher: internet.dispatcher,
    headers: { authorization: `Bearer ${bearer}` },
  });
  return { status: response.status, body: await response.json() };
}

/**
 * `exempt`: entries where Spotify's real answers and its description part ways, on purpose in the
 * fake: a removed track is `null` and a local file has `id: null`, which the description's
 * TrackObject | EpisodeObject does not allow.
 */
function expectConforms(
  template: string,
  answer: { status: number; body: unknown },
  exempt: string[] = [],
): void {
  const validate = responseSchema(template, answer.status);
  validate(answer.body);
  const errors = (validate.errors ?? []).filter(
    (e) => !exempt.some((path) => e.instancePath === path || e.instancePath.startsWith(`${path}/`)),
  );
  expect(errors, `${template} ${answer.status}`).toEqual([]);
}

describe("the fake Spotify's answers conform to the Spotify Web API description", () => {
  it.each([
    ["/search", `/search?q=${encodeURIComponent('track:"Song 1"')}&type=track&limit=10`],
    ["/tracks/{id}", `/tracks/${SONGS[0]?.spotifyId}`],
    ["/tracks/{id}", `/tracks/${SONGS[1]?.spotifyId}`],
    ["/albums/{id}", `/albums/${ALBUM_ID}`],
    ["/albums/{id}/tracks", `/albums/${ALBUM_ID}/tracks?offset=50&limit=50`],
    ["/playlists/{playlist_id}", `/playlists/${PLAYLIST_ID}?fields=name`],
  ])("GET %s (%s)", async (template, path) => {
    const answer = await get(path);
    expect(answer.status).toBe(200);
    expectConforms(template, answer);
  });

  it("GET /playlists/{id}/items in Extended Quota Mode: 50 a page, entries under `item`, removed/local/episode entries too", async () => {
    internet.spotify.setExtendedQuota(true);
    try {
      const first = await get(`/playlists/${PLAYLIST_ID}/items?offset=0&limit=50`);
      expectConforms("/playlists/{playlist_id}/items", first);
      const page = first.body as { items: Array<{ item: unknown }>; next: string | null; total: number };
      expect(page.items).toHaveLength(50);
      expect(page.total).toBe(58);
      expect(page.items.every((entry) => "item" in entry)).toBe(true);
      const rest = await get(`/playlists/${PLAYLIST_ID}/items?offset=50&limit=50`);
      // Entries 55, 56 and 57: removed, a local file, a podcast episode.
      expectConforms("/playlists/{playlist_id}/items", rest, ["/items/5/item", "/items/6/item"]);
      const [removed, local, episode] = (
        rest.body as { items: Array<{ item: { type?: string } | null }> }
      ).items.slice(5);
      expect(removed?.item).toBeNull();
      expect(local?.item).toMatchObject({ id: null, is_local: true });
      expect(episode?.item?.type).toBe("episode");
      expect((await get(`/playlists/${PLAYLIST_ID}/items?limit=51`)).status).toBe(400);
      // The deprecated route still answers for such an app, as the description documents it.
      expect(spec.paths["/playlists/{playlist_id}/tracks"]?.get?.deprecated).toBe(true);
      expectConforms(
        "/playlists/{playlist_id}/tracks",
        await get(`/playlists/${PLAYLIST_ID}/tracks?limit=100`),
        ["/items/55/track", "/items/56/track"],
      );
      expectConforms("/playlists/{playlist_id}", await get(`/playlists/${PLAYLIST_ID}`), [
        "/items/items/55/item",
        "/items/items/56/item",
        "/tracks/items/55/track",
        "/tracks/items/56/track",
      ]);
    } finally {
      internet.spotify.setExtendedQuota(false);
    }
  });

  it("issue 10 item 4, Development Mode: 403 for the items of a playlist the (absent) user doesn't own, and for the deprecated /tracks", async () => {
    const items = await get(`/playlists/${PLAYLIST_ID}/items`);
    expect(items.status).toBe(403);
    expectConforms("/playlists/{playlist_id}/items", items);
    const tracks = await get(`/playlists/${PLAYLIST_ID}/tracks`);
    expect(tracks.status).toBe(403);
    expectConforms("/playlists/{playlist_id}/tracks", tracks);
    // The playlist itself (its name) is still public.
    expect((await get(`/playlists/${PLAYLIST_ID}`)).status).toBe(200);
  });

  it("401 for a token it never issued", async () => {
    const answer = await get(`/tracks/${SONGS[0]?.spotifyId}`, "not-a-token");
    expect(answer.status).toBe(401);
    expectConforms("/tracks/{id}", answer);
  });
});

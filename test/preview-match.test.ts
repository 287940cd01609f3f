import { describe, expect, it } from "vitest";
import { isSameRecording, normaliseTitle, searchableTitle } from "../src/spotify/match.js";

const track = { title: "Don't Stop Me Now - Remastered 2011", artists: ["Queen"], durationMs: 209_000 };

describe("matching another service's hit to a Spotify track", () => {
  it("sees through version suffixes, featuring credits, accents and punctuation", () => {
    expect(normaliseTitle("Don't Stop Me Now - Remastered 2011")).toBe("don t stop me now");
    expect(normaliseTitle("Don’t Stop Me Now (2011 Remaster)")).toBe("don t stop me now");
    expect(normaliseTitle("Señorita (feat. Camila Cabello)")).toBe("senorita");
    expect(normaliseTitle("Señorita ft. Camila Cabello")).toBe("senorita");
    expect(normaliseTitle("Rock & Roll")).toBe("rock and roll");
    // "with" is only a credit inside brackets; in a title it is a word.
    expect(normaliseTitle("Stay With Me")).toBe("stay with me");
    expect(normaliseTitle("Under Pressure (with David Bowie)")).toBe("under pressure");
    expect(searchableTitle("Harbour Lights - Remastered 2011")).toBe("Harbour Lights");
    // A dash that is part of the title stays.
    expect(normaliseTitle("Hi - Fi")).toBe("hi fi");
  });

  it("accepts the same recording as credited elsewhere", () => {
    expect(
      isSameRecording(track, {
        title: "Don’t Stop Me Now (2011 Remaster)",
        artist: "Queen",
        durationMs: 210_000,
      }),
    ).toBe(true);
    expect(
      isSameRecording(
        { title: "Under Pressure", artists: ["Queen", "David Bowie"], durationMs: 248_000 },
        { title: "Under Pressure", artist: "Queen & David Bowie", durationMs: 247_000 },
      ),
    ).toBe(true);
    expect(
      isSameRecording(
        { title: "Mrs Robinson", artists: ["Simon & Garfunkel"], durationMs: 244_000 },
        { title: "Mrs. Robinson", artist: "Simon and Garfunkel", durationMs: 244_000 },
      ),
    ).toBe(true);
  });

  it("rejects other versions, other songs and other artists", () => {
    expect(isSameRecording(track, { title: "Don't Stop Me Now", artist: "Queen", durationMs: 213_000 })).toBe(
      false,
    );
    expect(
      isSameRecording(track, { title: "Don't Stop Me Now", artist: "Glee Cast", durationMs: 209_000 }),
    ).toBe(false);
    expect(
      isSameRecording(track, { title: "Don't Stop Believin'", artist: "Queen", durationMs: 209_000 }),
    ).toBe(false);
  });
});

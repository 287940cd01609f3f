import { describe, expect, it } from "vitest";
import { cut, inert, TEXT_LIMITS } from "../src/discord/index.js";

/** What Discord shows for escaped text: `\x` is a plain `x` for any punctuation `x`. */
const shown = (text: string) => text.replace(/\\([^\sA-Za-z0-9])/g, "$1");

describe("inert", () => {
  const cases: Array<[string, string]> = [
    ["masked link", "[Free Nitro here](https://evil.example/nitro) zzqx"],
    ["lone ](", "Free Nitro](https://evil.example/phish) [x"],
    ["autolink", "<https://evil.example/x>"],
    ["bare link", "https://evil.example/x"],
    ["heading", "# Big\n## Bigger\n### Biggest"],
    ["subtext", "-# small print"],
    ["block quote", "> quoted\n>>> all of it"],
    ["lists", "- one\n* two\n1. three\n  2. four"],
    ["emphasis", "**b** *i* _i_ __u__ ~~s~~ ||spoiler|| `code` ```block```"],
    ["mentions", "<@123456789012345678> <@!1> <@&2> <#3> <t:0:R> <:e:4>"],
    ["backslash", "already \\*escaped\\*"],
  ];

  it.each(cases)("%s: every markup character is escaped, and Discord shows the text as it was", (_, text) => {
    const safe = inert(text);
    expect(shown(safe)).toBe(text);
    // Nothing unescaped is left that Discord would act on.
    expect(safe.replace(/\\[^\sA-Za-z0-9]/g, "")).not.toMatch(/[*_~|`[\]<>#\\]|^\s*-|^\s*\d+\.|:\/\//m);
  });

  it("keeps @everyone and @here from even looking like mentions", () => {
    expect(inert("@everyone @here")).toBe("@\u200beveryone @\u200bhere");
  });

  it("leaves ordinary titles alone", () => {
    expect(inert("Mr. Brightside")).toBe("Mr. Brightside");
    expect(inert("Sigur Rós — Hoppípolla (live) 2005!")).toBe("Sigur Rós — Hoppípolla (live) 2005!");
  });
});

describe("cut", () => {
  it.each(Object.entries(TEXT_LIMITS))(
    "%s: at most %i characters, with an ellipsis when cut",
    (kind, limit) => {
      const long = "x".repeat(limit + 50);
      const fitted = cut(long, kind as keyof typeof TEXT_LIMITS);
      expect(fitted).toHaveLength(limit);
      expect(fitted.endsWith("…")).toBe(true);
      expect(cut("x".repeat(limit), kind as keyof typeof TEXT_LIMITS)).toBe("x".repeat(limit));
    },
  );

  it("never splits a surrogate pair", () => {
    const fitted = cut(`${"x".repeat(98)}🎧🎧🎧`, "choiceName");
    expect(fitted).toBe(`${"x".repeat(98)}…`);
    expect(fitted.length).toBeLessThanOrEqual(100);
  });

  it("never leaves an escaping backslash without its character", () => {
    const escaped = inert("]".repeat(200));
    const fitted = cut(escaped, 80);
    expect(fitted.length).toBeLessThanOrEqual(80);
    expect(fitted.slice(0, -1)).toMatch(/^(\\\])+$/);
  });
});

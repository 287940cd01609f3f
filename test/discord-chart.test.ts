import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type Analysis, analyzeAudio } from "../src/classifier/index.js";
import { readConfig } from "../src/config.js";
import { genreChartSvg, renderGenreChart } from "../src/discord/charts/genre-chart.js";
import { genreColor, genreLabel } from "../src/discord/charts/genre-colors.js";
import { createChartRenderer } from "../src/discord/charts/genre-renderer.js";

/** The /genre chart, drawn from the real model's analysis of a real clip. */

const CLIP = path.resolve(import.meta.dirname, "../../shared/data/emotify/rock/1.mp3");
let analysis: Analysis;

beforeAll(async () => {
  const { modelDir } = readConfig(process.env);
  analysis = await analyzeAudio(new Uint8Array(readFileSync(CLIP)), { modelDir });
});

describe("genre chart", () => {
  it("draws one bar per genre, labelled with its percentage, in the genre's colour", () => {
    const svg = genreChartSvg(analysis);
    for (const score of analysis.genres) {
      expect(svg).toContain(`>${genreLabel(score.genre)}</text>`);
      expect(svg).toContain(`fill="${genreColor(score.genre)}"`);
    }
    const percents = [...svg.matchAll(/text-anchor="end">(\d+)%<\/text>/g)].map((m) => Number(m[1]));
    expect(percents).toEqual(analysis.genres.map((g) => Math.round(g.probability * 100)));
  });

  it("draws the timeline as one stacked column per window, each filling the strip's height", () => {
    const svg = genreChartSvg(analysis);
    expect(analysis.timeline.length).toBeGreaterThan(1);
    const timeline = svg.slice(svg.indexOf("Over the clip"));
    const rects = [...timeline.matchAll(/<rect x="([\d.]+)" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"/g)];
    const columns = new Map<string, number>();
    for (const [, x, , h] of rects) columns.set(x ?? "", (columns.get(x ?? "") ?? 0) + Number(h));
    expect(columns.size).toBe(analysis.timeline.length);
    for (const height of columns.values()) {
      expect(height).toBeGreaterThan(69);
      expect(height).toBeLessThan(71);
    }
    expect(timeline).toContain(`${Math.round(analysis.durationSeconds)} s</text>`);
  });

  it("rasterises to a PNG 640 px wide", () => {
    const png = renderGenreChart(analysis);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const view = new DataView(png.buffer, png.byteOffset);
    expect(view.getUint32(16)).toBe(640);
    expect(view.getUint32(20)).toBeGreaterThan(300);
  });

  it("renders the same PNG on the worker thread the bot uses", async () => {
    const renderer = createChartRenderer();
    try {
      const [a, b] = await Promise.all([renderer.render(analysis), renderer.render(analysis)]);
      expect(Buffer.from(a).equals(Buffer.from(renderGenreChart(analysis)))).toBe(true);
      expect(Buffer.from(b).equals(Buffer.from(a))).toBe(true);
    } finally {
      await renderer.close();
    }
  });

  it("escapes genre names that a retrained model might bring", () => {
    const svg = genreChartSvg({
      ...analysis,
      genres: [{ genre: "r&b <live>", probability: 1 }],
      timeline: [],
    });
    expect(svg).toContain("R&amp;b &lt;live&gt;");
    expect(svg).not.toContain("<live>");
  });
});

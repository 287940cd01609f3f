import type { Analysis, GenreScore } from "../../classifier/index.js";
import { escapeXml, svgToPng } from "../../lib/svg.js";
import { genreColor, genreLabel } from "./genre-colors.js";

/**
 * The picture under a /genre answer, hand-built as SVG: horizontal bars of every genre's
 * probability (which double as the colour legend), then a strip of stacked columns, one per
 * analysis window, showing how the genre mix moves over the clip.
 */

const WIDTH = 640;
const PAD = 16;
const LABEL_WIDTH = 92;
const VALUE_WIDTH = 48;
const BAR_HEIGHT = 18;
const BAR_GAP = 6;
const TIMELINE_HEIGHT = 70;
const FONT = `font-family="DejaVu Sans, sans-serif"`;

export type ChartInput = Pick<Analysis, "genres" | "timeline" | "durationSeconds"> & {
  /** Headings and the time axis' two ends; default: a clip's ("Genre probabilities", "0 s" … "30 s"). */
  labels?: { bars: string; timeline: string; start: string; end: string };
};

export function genreChartSvg(input: ChartInput): string {
  const barsTop = PAD + 20;
  const barsHeight = input.genres.length * (BAR_HEIGHT + BAR_GAP) - BAR_GAP;
  const timelineTop = barsTop + barsHeight + 44;
  const height = input.timeline.length > 0 ? timelineTop + TIMELINE_HEIGHT + 30 : barsTop + barsHeight + PAD;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    heading(PAD, PAD + 12, input.labels?.bars ?? "Genre probabilities"),
    ...bars(input.genres, barsTop),
  ];
  if (input.timeline.length > 0) {
    parts.push(
      heading(PAD, timelineTop - 12, input.labels?.timeline ?? "Over the clip"),
      ...timeline(input, timelineTop),
    );
  }
  parts.push("</svg>");
  return parts.join("\n");
}

/** The chart as PNG bytes, ready to attach to a Discord message. */
export function renderGenreChart(input: ChartInput): Uint8Array {
  return svgToPng(genreChartSvg(input));
}

function heading(x: number, y: number, text: string): string {
  return `<text x="${x}" y="${y}" ${FONT} font-size="14" font-weight="bold" fill="#222">${escapeXml(text)}</text>`;
}

function bars(genres: GenreScore[], top: number): string[] {
  const trackWidth = WIDTH - 2 * PAD - LABEL_WIDTH - VALUE_WIDTH;
  return genres.flatMap((score, i) => {
    const y = top + i * (BAR_HEIGHT + BAR_GAP);
    const width = Math.max(1, Math.round(clamp01(score.probability) * trackWidth));
    const textY = y + BAR_HEIGHT - 4;
    return [
      `<text x="${PAD}" y="${textY}" ${FONT} font-size="13" fill="#333">${escapeXml(genreLabel(score.genre))}</text>`,
      `<rect x="${PAD + LABEL_WIDTH}" y="${y}" width="${trackWidth}" height="${BAR_HEIGHT}" rx="3" fill="#eef0f3"/>`,
      `<rect x="${PAD + LABEL_WIDTH}" y="${y}" width="${width}" height="${BAR_HEIGHT}" rx="3" fill="${genreColor(score.genre)}"/>`,
      `<text x="${WIDTH - PAD}" y="${textY}" ${FONT} font-size="13" fill="#333" text-anchor="end">${percent(score.probability)}</text>`,
    ];
  });
}

/** One stacked column per window, genres stacked in the overall ranking's order so colours line up. */
function timeline(input: ChartInput, top: number): string[] {
  const left = PAD + LABEL_WIDTH;
  const width = WIDTH - 2 * PAD - LABEL_WIDTH - VALUE_WIDTH;
  const total = Math.max(input.durationSeconds, ...input.timeline.map((w) => w.endSeconds));
  const order = input.genres.map((g) => g.genre);
  const x = (seconds: number) => left + (seconds / total) * width;
  const parts = input.timeline.flatMap((window, i) => {
    // Windows overlap (10 s long, 5 s apart): each column runs until the next window starts.
    const next = input.timeline[i + 1]?.startSeconds ?? window.endSeconds;
    const x0 = x(window.startSeconds);
    const columnWidth = Math.max(1, x(Math.min(next, window.endSeconds)) - x0 - 1);
    const byGenre = new Map(window.genres.map((g) => [g.genre, clamp01(g.probability)]));
    const sum = [...byGenre.values()].reduce((a, b) => a + b, 0) || 1;
    let y = top;
    return order.flatMap((genre) => {
      const h = ((byGenre.get(genre) ?? 0) / sum) * TIMELINE_HEIGHT;
      if (h <= 0) return [];
      const rect = `<rect x="${x0.toFixed(1)}" y="${y.toFixed(1)}" width="${columnWidth.toFixed(1)}" height="${h.toFixed(1)}" fill="${genreColor(genre)}"/>`;
      y += h;
      return [rect];
    });
  });
  const axisY = top + TIMELINE_HEIGHT + 16;
  parts.push(
    `<text x="${left}" y="${axisY}" ${FONT} font-size="12" fill="#555">${escapeXml(input.labels?.start ?? "0 s")}</text>`,
    `<text x="${left + width}" y="${axisY}" ${FONT} font-size="12" fill="#555" text-anchor="end">${escapeXml(input.labels?.end ?? `${Math.round(total)} s`)}</text>`,
  );
  return parts;
}

function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

function percent(probability: number): string {
  return `${Math.round(clamp01(probability) * 100)}%`;
}

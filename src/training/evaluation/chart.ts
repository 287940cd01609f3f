import { escapeXml } from "../../lib/svg.js";
import type { Evaluation } from "./metrics.js";

const CELL = 38;
const LABEL_WIDTH = 110;
const TOP = 120;
const BAR_AREA = 260;

/**
 * The evaluation as a hand-built SVG: the confusion matrix as a heat map (rows = true genre,
 * shading = share of that genre's clips) and a per-genre F1 bar beside each row.
 */
export function evaluationSvg(evaluation: Evaluation, title: string): string {
  const n = evaluation.labels.length;
  const matrixLeft = LABEL_WIDTH;
  const barsLeft = matrixLeft + n * CELL + 40;
  const width = barsLeft + BAR_AREA + 20;
  const height = TOP + n * CELL + 40;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="28" font-size="18" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="16" y="52" font-size="14">accuracy ${(evaluation.accuracy * 100).toFixed(1)} % on ${evaluation.count} clips · rows: true genre · columns: predicted</text>`,
    `<text x="${barsLeft}" y="${TOP - 10}" font-size="12" font-weight="bold">F1 per genre</text>`,
  ];
  evaluation.labels.forEach((label, col) => {
    const x = matrixLeft + col * CELL + CELL / 2;
    parts.push(
      `<text x="${x}" y="${TOP - 8}" font-size="11" transform="rotate(-50 ${x} ${TOP - 8})">${escapeXml(label)}</text>`,
    );
  });
  evaluation.confusion.forEach((row, r) => {
    const y = TOP + r * CELL;
    const total = row.reduce((a, b) => a + b, 0);
    parts.push(
      `<text x="${matrixLeft - 8}" y="${y + CELL / 2 + 4}" font-size="12" text-anchor="end">${escapeXml(evaluation.labels[r] ?? "")}</text>`,
    );
    row.forEach((count, c) => {
      const share = total > 0 ? count / total : 0;
      const fill = r === c ? `rgba(34,139,34,${0.1 + share * 0.9})` : `rgba(200,40,40,${share * 0.9})`;
      const x = matrixLeft + c * CELL;
      parts.push(
        `<rect x="${x}" y="${y}" width="${CELL}" height="${CELL}" fill="${fill}" stroke="#dddddd"/>`,
      );
      if (count > 0) {
        parts.push(
          `<text x="${x + CELL / 2}" y="${y + CELL / 2 + 4}" font-size="12" text-anchor="middle" fill="${share > 0.55 ? "#ffffff" : "#222222"}">${count}</text>`,
        );
      }
    });
    const f1 = evaluation.perClass[r]?.f1 ?? 0;
    parts.push(
      `<rect x="${barsLeft}" y="${y + 8}" width="${(f1 * (BAR_AREA - 50)).toFixed(1)}" height="${CELL - 16}" fill="#4a78c2"/>`,
      `<text x="${barsLeft + f1 * (BAR_AREA - 50) + 6}" y="${y + CELL / 2 + 4}" font-size="12">${f1.toFixed(2)}</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("\n");
}

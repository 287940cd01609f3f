import { Resvg } from "@resvg/resvg-js";

/**
 * Rasterises a hand-built SVG to PNG bytes. System fonts are loaded so chart labels render the
 * same on a headless server as on a desktop; the default font family keeps text legible where
 * the SVG names none that is installed.
 */
export function svgToPng(svg: string): Uint8Array {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
    background: "white",
  });
  return new Uint8Array(resvg.render().asPng());
}

const XML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/** Makes arbitrary text (track titles, genre labels) safe inside SVG text and attributes. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => XML_ESCAPES[char] ?? char);
}

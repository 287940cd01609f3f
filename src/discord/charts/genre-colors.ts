/**
 * One colour per genre, shared by the chart and the Discord embed's side stripe so a member
 * links the two at a glance. Genres outside the list (a retrained model) get a stable hashed hue.
 */
const PALETTE: Record<string, string> = {
  blues: "#3b6fb6",
  classical: "#8e6bbf",
  country: "#b07a3b",
  disco: "#e05fa8",
  electronic: "#1fb5c9",
  hiphop: "#f08a24",
  jazz: "#2f9e77",
  metal: "#4d4d4d",
  pop: "#e6b422",
  reggae: "#58a83f",
  rock: "#d64541",
};

export function genreColor(genre: string): string {
  const known = PALETTE[genre.toLowerCase()];
  if (known) return known;
  let hash = 0;
  for (const char of genre) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return hslToHex(hash % 360, 0.55, 0.5);
}

/** The colour as the integer discord.js embeds take. */
export function genreColorNumber(genre: string): number {
  return Number.parseInt(genreColor(genre).slice(1), 16);
}

/** "hiphop" → "Hip-hop", "rock" → "Rock": how genres are named to people. */
export function genreLabel(genre: string): string {
  if (genre.toLowerCase() === "hiphop") return "Hip-hop";
  return genre.charAt(0).toUpperCase() + genre.slice(1);
}

function hslToHex(hue: number, saturation: number, lightness: number): string {
  const a = saturation * Math.min(lightness, 1 - lightness);
  const channel = (n: number) => {
    const k = (n + hue / 30) % 12;
    const value = lightness - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(value * 255)
      .toString(16)
      .padStart(2, "0");
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

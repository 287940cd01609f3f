import { UsageError } from "../errors.js";

/**
 * `genrebot bench [area…]`: speed and memory figures (medians, p99, ratios), never asserted by tests.
 * Each area's benchmark lives in bench/<area>.ts, beside the code it measures.
 */
const AREAS = {
  audio: async () => (await import("../../bench/audio.js")).runAudioBench(),
  features: async () => (await import("../../bench/features.js")).runFeaturesBench(),
  classifier: async () => (await import("../../bench/classifier.js")).runClassifierBench(),
  pretrained: async () => (await import("../../bench/pretrained.js")).runPretrainedBench(),
  spotify: async () => (await import("../../bench/spotify.js")).runSpotifyBench(),
  catalog: async () => (await import("../../bench/catalog.js")).runCatalogBench(),
  bot: async () => (await import("../../bench/bot.js")).runBotBench(),
} as const;

type Area = keyof typeof AREAS;

function isArea(name: string): name is Area {
  return Object.hasOwn(AREAS, name);
}

export async function run(args: string[]): Promise<number> {
  const unknown = args.filter((a) => !isArea(a));
  if (unknown.length > 0) {
    throw new UsageError(
      `Unknown benchmark: ${unknown.join(", ")}. Choose from ${Object.keys(AREAS).join(", ")}.`,
    );
  }
  const chosen = args.length > 0 ? (args as Area[]) : (Object.keys(AREAS) as Area[]);
  for (const area of chosen) {
    console.log(`\n== ${area} ==`);
    await AREAS[area]();
  }
  return 0;
}

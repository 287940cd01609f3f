/**
 * `npm run bench [area…]`: speed and memory figures (medians, p99, ratios), never asserted by tests.
 * Each area's benchmark lives in bench/<area>.ts; they drive the test fakes, so they live beside the
 * tests rather than in src/ (which never imports them).
 */
const AREAS = {
  audio: async () => (await import("./audio.js")).runAudioBench(),
  features: async () => (await import("./features.js")).runFeaturesBench(),
  classifier: async () => (await import("./classifier.js")).runClassifierBench(),
  pretrained: async () => (await import("./pretrained.js")).runPretrainedBench(),
  spotify: async () => (await import("./spotify.js")).runSpotifyBench(),
  catalog: async () => (await import("./catalog.js")).runCatalogBench(),
  stats: async () => (await import("./stats.js")).runStatsBench(),
  bot: async () => (await import("./bot.js")).runBotBench(),
  hostile: async () => (await import("./hostile.js")).runHostileBench(),
} as const;

type Area = keyof typeof AREAS;

function isArea(name: string): name is Area {
  return Object.hasOwn(AREAS, name);
}

async function run(args: string[]): Promise<number> {
  const unknown = args.filter((a) => !isArea(a));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark: ${unknown.join(", ")}. Choose from ${Object.keys(AREAS).join(", ")}.`);
    return 2;
  }
  const chosen = args.length > 0 ? (args as Area[]) : (Object.keys(AREAS) as Area[]);
  for (const area of chosen) {
    console.log(`\n== ${area} ==`);
    await AREAS[area]();
  }
  return 0;
}

process.exitCode = await run(process.argv.slice(2));

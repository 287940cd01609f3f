import path from "node:path";
import { ShardingManager } from "discord.js";
import { ConfigError, loadDotEnv, PROJECT_ROOT, readConfig } from "../config.js";
import { log } from "../log.js";
import { loginError } from "./bot.js";

/**
 * `npm run start:sharded`: for bots in more guilds than one gateway connection may carry (2,500).
 * discord.js spawns one `src/main.ts` process per shard (through tsx, no build step); each shard
 * opens its own analyzer pool, and they share one catalog, which therefore has to be Redis.
 */
loadDotEnv();
let config: ReturnType<typeof readConfig>;
try {
  config = readConfig(process.env, ["discord", "spotify"]);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
const logger = log.child({ module: "sharding" });
if (!config.storeUrl.startsWith("redis")) {
  logger.warn(
    { storeUrl: config.storeUrl },
    "sharded with a SQLite catalog: each shard sees only what it indexed itself; set STORE_URL=redis://… to share one catalog",
  );
}

const manager = new ShardingManager(path.join(PROJECT_ROOT, "src", "main.ts"), {
  token: config.discord.token,
  totalShards: "auto",
  execArgv: ["--import", "tsx"],
  respawn: true,
});
manager.on("shardCreate", (shard) => {
  logger.info({ shard: shard.id }, "shard launched");
  shard.on("death", () => logger.warn({ shard: shard.id }, "shard process exited; respawning"));
  shard.on("error", (error) => logger.error({ err: error, shard: shard.id }, "shard error (carrying on)"));
});
process.on("unhandledRejection", (reason) =>
  logger.error({ err: reason }, "unhandled rejection (carrying on)"),
);
try {
  await manager.spawn({ timeout: 60_000 });
} catch (error) {
  console.error(loginError(error).message);
  process.exit(1);
}

import { type Config, ConfigError, loadDotEnv, readConfig } from "./config.js";
import { UserFacingError } from "./errors.js";
import { log } from "./log.js";

/** `npm start`: validate .env first, so a newcomer sees what is missing before anything heavy loads. */
function configOrExit(): Config {
  loadDotEnv();
  try {
    return readConfig(process.env, ["discord"]);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

const config = configOrExit();
// Every download (previews, members' uploads) reaches public addresses only.
(await import("./http/index.js")).installPublicOnlyDispatcher();
const { describeSources, openServices } = await import("./service/index.js");
const { startBot } = await import("./discord/index.js");
const { COMMANDS } = await import("./commands/index.js");

const services = await openServices(config, { lookups: true });
// Said to the operator whatever LOG_LEVEL is: which services this bot will talk to.
console.log(describeSources(services.sources));
try {
  await startBot({
    commands: COMMANDS,
    config,
    service: services.service,
    finder: services.finder,
    logger: log,
    backgroundReindex: config.backgroundReindex ? {} : false,
    onShutdown: () => services.close(),
  });
} catch (error) {
  await services.close();
  if (!(error instanceof UserFacingError)) throw error;
  console.error(error.message);
  process.exit(1);
}

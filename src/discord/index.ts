/** Discord: the client, the router, replies, charts and command registration. Commands plug in here. */
export { checkUpload, downloadAttachment } from "./attachments.js";
export { type RunningBot, type StartBotOptions, startBot } from "./bot.js";
export { genreColorNumber, genreLabel } from "./charts/genre-colors.js";
export type { BotLimits, Command, CommandContext } from "./command.js";
export { registerCommands } from "./register-commands.js";
export {
  answerSlowly,
  errorContent,
  NO_MENTIONS,
  type Replyable,
  type ReplyBody,
  replyPrivately,
} from "./respond.js";
export { cut, EMBED_TOTAL_LIMIT, inert, TEXT_LIMITS, type TextKind } from "./text.js";
export { throttled } from "./throttle.js";

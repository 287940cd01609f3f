import type { Interaction } from "discord.js";
import type { Command, CommandContext } from "./command.js";
import { type Replyable, replyPrivately, showError } from "./respond.js";

/** The interactions a member sees an answer to (autocomplete only gets choices). */
function isReplyable(interaction: Interaction): interaction is Interaction & Replyable {
  return (
    interaction.isChatInputCommand() || interaction.isButton() || interaction.isMessageContextMenuCommand()
  );
}

export interface Router {
  handle(interaction: Interaction): Promise<void>;
  /** Stops taking new work: later interactions are told the bot is restarting. */
  close(): void;
  /** Interactions still being handled. */
  readonly inFlight: ReadonlySet<Promise<void>>;
}

/**
 * Sends each interaction to its command: slash commands to `execute`, autocomplete to
 * `autocomplete`, button clicks (custom id `<command>:<argument>`) to `button`. Whatever a
 * handler throws is logged and, where Discord still lets us, shown to the member as an apology;
 * nothing propagates to discord.js's event emitter (which would crash the process).
 */
export function createRouter(commands: readonly Command[], ctx: CommandContext): Router {
  const byName = new Map(commands.map((command) => [command.data.name, command]));
  const findCommand = (name: string) => byName.get(name);
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  async function dispatch(interaction: Interaction): Promise<void> {
    if (interaction.isAutocomplete()) {
      const command = findCommand(interaction.commandName);
      if (closed || !command?.autocomplete) await interaction.respond([]);
      else await command.autocomplete(interaction, ctx);
      return;
    }
    if (!isReplyable(interaction)) return;
    if (closed) {
      await replyPrivately(interaction, "I'm restarting — try again in a moment.");
      return;
    }
    if (interaction.isChatInputCommand() || interaction.isMessageContextMenuCommand()) {
      const command = findCommand(interaction.commandName);
      if (interaction.isChatInputCommand() && command?.execute) await command.execute(interaction, ctx);
      else if (interaction.isMessageContextMenuCommand() && command?.onMessage)
        await command.onMessage(interaction, ctx);
      else {
        await replyPrivately(
          interaction,
          "I don't know that command any more — it may have just been removed.",
        );
      }
      return;
    }
    const separator = interaction.customId.indexOf(":");
    const name = separator < 0 ? interaction.customId : interaction.customId.slice(0, separator);
    const command = findCommand(name);
    if (!command?.button) {
      await replyPrivately(interaction, "That button no longer works — run the command again.");
      return;
    }
    await command.button(interaction, interaction.customId.slice(separator + 1), ctx);
  }

  async function handle(interaction: Interaction): Promise<void> {
    const work = dispatch(interaction).catch(async (error: unknown) => {
      if (!isReplyable(interaction)) {
        ctx.logger.warn({ err: error, interaction: interaction.id }, "autocomplete failed");
        return;
      }
      await showError(interaction, ctx, error).catch((replyError: unknown) =>
        ctx.logger.warn({ err: replyError }, "could not tell the member about the error"),
      );
    });
    inFlight.add(work);
    try {
      await work;
    } finally {
      inFlight.delete(work);
    }
  }

  return {
    handle,
    close() {
      closed = true;
    },
    inFlight,
  };
}

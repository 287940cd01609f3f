import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  Events,
  GatewayIntentBits,
  type Interaction,
  MessageFlags,
} from "discord.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeDiscord } from "./fakes/discord/index.js";

/**
 * The fake Discord must be faithful enough that the real discord.js client cannot tell it apart
 * from discord.com for what genrebot uses; these tests drive a bare discord.js client through it.
 */
describe("fake Discord speaks API v10 to the real discord.js client", () => {
  let fake: FakeDiscord;
  let client: Client;

  beforeEach(async () => {
    fake = await FakeDiscord.start();
    client = new Client({ intents: [GatewayIntentBits.Guilds], ...fake.clientOptions });
  });
  afterEach(async () => {
    await client.destroy();
    await fake.close();
  });

  async function login(): Promise<void> {
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(fake.token);
    await ready;
  }

  it("logs in over the gateway and caches the test guild and its channel", async () => {
    await login();
    expect(client.user?.id).toBe(fake.bot.id);
    const guild = client.guilds.cache.get(fake.guild.id);
    expect(guild?.name).toBe(fake.guild.name);
    expect(guild?.channels.cache.has(fake.guild.channelId)).toBe(true);
    expect(fake.gateway.identifies[0]?.intents).toBe(GatewayIntentBits.Guilds);
  });

  it("rejects a wrong token on /gateway/bot with 401, as Discord does", async () => {
    await expect(client.login("not-the-token")).rejects.toMatchObject({ code: "TokenInvalid" });
  });

  it("delivers a slash command and keeps the deferred reply's multipart edit with its file", async () => {
    client.on(Events.InteractionCreate, async (interaction: Interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const png = new AttachmentBuilder(Buffer.from([0x89, 0x50, 0x4e, 0x47]), { name: "chart.png" });
      await interaction.editReply({
        content: `echo ${interaction.options.getString("song")} by ${interaction.user.username}`,
        files: [png],
        embeds: [{ title: "t", image: { url: "attachment://chart.png" } }],
        components: [
          new ActionRowBuilder<ButtonBuilder>().addComponents(
            new ButtonBuilder().setCustomId("again").setLabel("Again").setStyle(ButtonStyle.Primary),
          ),
        ],
      });
    });
    await login();
    const sent = fake.dispatchCommand("genre", { song: "Roygbiv" }, { user: fake.member("ada") });
    const reply = await fake.waitForReply(sent);
    expect(sent.callback?.type).toBe(5);
    expect(sent.callback?.data?.flags).toBe(MessageFlags.Ephemeral);
    expect(reply.content).toBe("echo Roygbiv by ada");
    expect(reply.attachments.map((a) => [a.filename, [...a.bytes]])).toEqual([
      ["chart.png", [0x89, 0x50, 0x4e, 0x47]],
    ]);
    expect(reply.embeds[0]?.image).toMatchObject({ url: reply.attachments[0]?.url });
    expect(reply.attachments[0]?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/bot-attachments\//);
    expect(reply.flags & MessageFlags.Loading).toBe(0);

    const click = fake.clickButton(reply, "again");
    expect(() => fake.clickButton(reply, "missing")).toThrow(/no button/);
    const clicked = new Promise<string>((resolve) =>
      client.on(Events.InteractionCreate, (i) => {
        if (i.isButton()) resolve(`${i.customId} on ${i.message.id}`);
      }),
    );
    expect(await clicked).toBe(`again on ${reply.id}`);
    expect(click.callback).toBeUndefined();
  });

  it("delivers autocomplete with the focused option and records the offered choices", async () => {
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isAutocomplete()) return;
      const focused = interaction.options.getFocused(true);
      await interaction.respond([{ name: `${focused.name}=${focused.value}`, value: "v" }]);
    });
    await login();
    const typed = fake.dispatchAutocomplete("genre", { artist: "Boards", song: "Roy" }, "song");
    expect(await fake.waitForChoices(typed)).toEqual([{ name: "song=Roy", value: "v" }]);
  });

  it("refuses a second acknowledgement of one interaction", async () => {
    const outcome = new Promise<string>((resolve) =>
      client.on(Events.InteractionCreate, async (interaction) => {
        if (!interaction.isChatInputCommand()) return;
        await interaction.reply({ content: "first" });
        // Bypass discord.js's own guard to reach the API, as a second process would.
        const again = await client.rest
          .post(`/interactions/${interaction.id}/${interaction.token}/callback`, {
            body: { type: 4, data: { content: "second" } },
            auth: false,
          })
          .then(() => "accepted")
          .catch((error: { code?: number }) => `rejected ${error.code}`);
        resolve(again);
      }),
    );
    await login();
    fake.dispatchCommand("help");
    expect(await outcome).toBe("rejected 40060");
  });
});

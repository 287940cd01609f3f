import { Client, Events, GatewayIntentBits, InteractionResponseType } from "discord.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiscordConformance, embedTotal } from "./fakes/discord/conformance.js";
import {
  ACK_DEADLINE_MS,
  FakeDiscord,
  type FakeInteraction,
  TOKEN_LIFETIME_MS,
} from "./fakes/discord/index.js";

/**
 * The fake Discord refuses what Discord refuses: each payload below is one the bot sent (or
 * could send) before issue 10, answered 200/204 by the old fake and 400/404/401 by Discord.
 * Requests go out raw (fetch), so nothing on the client side cuts or corrects them first.
 */

let fake: FakeDiscord;
let client: Client;

beforeAll(async () => {
  fake = await FakeDiscord.start();
  // A logged-in client only so the gateway has a session to deliver interactions to; it ignores them.
  client = new Client({ intents: [GatewayIntentBits.Guilds], ...fake.clientOptions });
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(fake.token);
  await ready;
});

afterAll(async () => {
  await client?.destroy();
  await fake?.close();
});

async function send(
  method: string,
  route: string,
  body: unknown,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${fake.apiUrl}/v10${route}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bot ${fake.token}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

async function multipart(
  route: string,
  payload: unknown,
  files: Record<string, string>,
): Promise<{ status: number; json: unknown }> {
  const form = new FormData();
  form.set("payload_json", JSON.stringify(payload));
  for (const [field, name] of Object.entries(files)) form.set(field, new Blob([new Uint8Array(8)]), name);
  const response = await fetch(`${fake.apiUrl}/v10${route}`, { method: "PATCH", body: form });
  return { status: response.status, json: await response.json() };
}

const callback = (i: FakeInteraction) => `/interactions/${i.id}/${i.token}/callback`;
const original = (i: FakeInteraction) => `/webhooks/${fake.applicationId}/${i.token}/messages/@original`;
const tooLong = (limit: number) => [
  { code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${limit} or fewer in length.` },
];

async function deferred(): Promise<FakeInteraction> {
  const interaction = fake.dispatchCommand("genre", { song: "x" });
  const ack = await send("POST", callback(interaction), {
    type: InteractionResponseType.DeferredChannelMessageWithSource,
  });
  expect(ack.status).toBe(204);
  return interaction;
}

describe("the fake answers each payload of issue 10 as Discord does", () => {
  it("1. an embed description over 4096 (a 70-artist credit): 400 50035 at embeds.0.description", async () => {
    const interaction = await deferred();
    const reply = await send("PATCH", original(interaction), {
      embeds: [{ title: "A song", description: `by **${"Artist, ".repeat(700)}**` }],
    });
    expect(reply).toEqual({
      status: 400,
      json: {
        message: "Invalid Form Body",
        code: 50035,
        errors: { embeds: { "0": { description: { _errors: tooLong(4096) } } } },
      },
    });
    expect(interaction.edits).toEqual([]);
  });

  it("2. a 3,954-character no-preview message: 400 50035 at content", async () => {
    const interaction = await deferred();
    const reply = await send("PATCH", original(interaction), { content: `⚠️ No preview ${"x".repeat(3940)}` });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({
      message: "Invalid Form Body",
      code: 50035,
      errors: { content: { _errors: tooLong(2000) } },
    });
  });

  it("3. an edit once the interaction token is 15 minutes old: 401 50027", async () => {
    const interaction = await deferred();
    expect((await send("PATCH", original(interaction), { content: "Indexed 1/600" })).status).toBe(200);
    fake.clock.advance(TOKEN_LIFETIME_MS + 1);
    const reply = await send("PATCH", original(interaction), { content: "Indexed 2/600" });
    expect(reply).toEqual({ status: 401, json: { message: "Invalid Webhook Token", code: 50027 } });
    expect(interaction.original?.content).toBe("Indexed 1/600");
  });

  it("5a. content 2,500, title 300, description 5,000, footer 3,000, custom_id 150: every field named", async () => {
    const interaction = await deferred();
    const reply = await send("PATCH", original(interaction), {
      content: "c".repeat(2500),
      embeds: [{ title: "t".repeat(300), description: "d".repeat(5000), footer: { text: "f".repeat(3000) } }],
      components: [
        { type: 1, components: [{ type: 2, style: 1, label: "Similar tracks", custom_id: "s".repeat(150) }] },
      ],
    });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({
      message: "Invalid Form Body",
      code: 50035,
      errors: {
        content: { _errors: tooLong(2000) },
        embeds: {
          _errors: [{ code: "MAX_EMBED_SIZE_EXCEEDED", message: "Embed size exceeds maximum size of 6000" }],
          "0": {
            title: { _errors: tooLong(256) },
            description: { _errors: tooLong(4096) },
            footer: { text: { _errors: tooLong(2048) } },
          },
        },
        components: { "0": { components: { "0": { custom_id: { _errors: tooLong(100) } } } } },
      },
    });
  });

  it("5b. 30 autocomplete choices with 150-character names: 400 50035, nothing shown", async () => {
    const typed = fake.dispatchAutocomplete("genre", { song: "ro" }, "song");
    const choices = Array.from({ length: 30 }, (_, i) => ({ name: "n".repeat(150), value: `v${i}` }));
    const reply = await send("POST", callback(typed), {
      type: InteractionResponseType.ApplicationCommandAutocompleteResult,
      data: { choices },
    });
    expect(reply.status).toBe(400);
    const errors = (reply.json as { errors: { data: { choices: Record<string, unknown> } } }).errors;
    expect(errors.data.choices._errors).toEqual(tooLong(25));
    expect(errors.data.choices["0"]).toEqual({ name: { _errors: tooLong(100) } });
    expect(typed.callback).toBeUndefined();
  });

  it("5c. no acknowledgement within 3 s: 404 10062 Unknown interaction", async () => {
    const late = fake.dispatchCommand("genre", { song: "x" });
    fake.clock.advance(ACK_DEADLINE_MS + 1);
    const reply = await send("POST", callback(late), {
      type: InteractionResponseType.DeferredChannelMessageWithSource,
    });
    expect(reply).toEqual({ status: 404, json: { message: "Unknown interaction", code: 10062 } });
    expect(late.callback).toBeUndefined();
  });
});

describe("rules the schema cannot express", () => {
  it("an attachments[].id without its files[n] part is refused; with it, accepted", async () => {
    const interaction = await deferred();
    const missing = await multipart(
      original(interaction),
      { attachments: [{ id: "1", filename: "genre.png" }] },
      {
        "files[0]": "genre.png",
      },
    );
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({
      code: 50035,
      errors: { attachments: { "0": { id: { _errors: [{ code: "ATTACHMENT_NOT_FOUND" }] } } } },
    });
    const matched = await multipart(
      original(interaction),
      { attachments: [{ id: "0", filename: "genre.png" }] },
      {
        "files[0]": "genre.png",
      },
    );
    expect(matched.status).toBe(200);
    expect(interaction.original?.attachments.map((a) => a.filename)).toEqual(["genre.png"]);
  });

  it("command names follow Discord's pattern in lower case; string choice values stay within 100", async () => {
    const reply = await send("PUT", `/applications/${fake.applicationId}/guilds/${fake.guild.id}/commands`, [
      {
        name: "Genre",
        description: "Which genre?",
        options: [
          {
            type: 3,
            name: "song title",
            description: "Song",
            choices: [{ name: "long", value: "v".repeat(101) }],
          },
        ],
      },
    ]);
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({
      code: 50035,
      errors: {
        "0": {
          name: { _errors: [{ code: "APPLICATION_COMMAND_INVALID_NAME" }] },
          options: {
            "0": {
              name: { _errors: [{ code: "APPLICATION_COMMAND_INVALID_NAME" }] },
              choices: { "0": { value: { _errors: tooLong(100) } } },
            },
          },
        },
      },
    });
  });

  it("accepts default_member_permissions as the string of digits Discord documents (a known quirk of the description)", () => {
    const conformance = new DiscordConformance();
    const command = { name: "index", description: "Add a playlist", default_member_permissions: "32" };
    expect(conformance.check("POST", "/applications/1/commands", command)).toBeUndefined();
    expect(
      conformance.check("POST", "/applications/1/commands", { ...command, default_member_permissions: "x" }),
    ).toMatchObject({ errors: { default_member_permissions: {} } });
  });

  it("counts the 6000 over every embed's title, description, fields, footer and author", () => {
    const embed = {
      title: "t".repeat(256),
      description: "d".repeat(4096),
      fields: [{ name: "n".repeat(10), value: "v".repeat(20) }],
      footer: { text: "f".repeat(30) },
      author: { name: "a".repeat(40) },
    };
    expect(embedTotal([embed])).toBe(256 + 4096 + 30 + 30 + 40);
    expect(embedTotal([embed, embed])).toBeGreaterThan(6000);
  });
});

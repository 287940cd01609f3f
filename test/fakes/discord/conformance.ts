import { readFileSync } from "node:fs";
import type { ErrorObject, ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import { SPECS_DIR } from "../specs.js";

/**
 * What Discord itself checks in a request body, so the fake refuses what Discord would refuse:
 * the route's request schema from Discord's official OpenAPI description (JSON Schema 2020-12,
 * checked by Ajv), plus the rules `../shared/specs/README.md` lists that no schema expresses.
 * A violation is answered as Discord answers it: 400, code 50035 "Invalid Form Body", and an
 * `errors` object keyed by the path of each offending field.
 */

export const SPEC_FILE = `${SPECS_DIR}/discord/openapi.json`;

interface OpenApi {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>;
  components: { schemas: Record<string, Record<string, unknown>> };
}

/** One Discord error, as the API words it inside `errors`. */
export interface FieldError {
  code: string;
  message: string;
}

/** `{ content: { _errors: [...] }, embeds: { "0": { title: { _errors: [...] } } } }` */
export type ErrorTree = { _errors?: FieldError[] } & { [key: string]: ErrorTree | FieldError[] | undefined };

export interface InvalidFormBody {
  message: "Invalid Form Body";
  code: 50035;
  errors: ErrorTree;
}

/** Commands and options: Discord's name rule, which the schema gives only as a length. */
const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const EMBED_TOTAL = 6000;
const CHOICE_VALUE_MAX = 100;

interface Route {
  method: string;
  pattern: RegExp;
  validate: () => ValidateFunction;
}

export class DiscordConformance {
  private readonly routes: Route[];

  constructor(specFile = SPEC_FILE) {
    const spec = JSON.parse(readFileSync(specFile, "utf8")) as OpenApi;
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema({ $id: "discord", components: withKnownQuirks(spec.components) });
    this.routes = Object.entries(spec.paths)
      // Literal segments (`@original`) before parameters, as Discord's router matches them.
      .sort(([a], [b]) => parameters(a) - parameters(b))
      .flatMap(([template, operations]) =>
        Object.entries(operations).flatMap(([method, operation]) => {
          const schema = operation.requestBody?.content["application/json"]?.schema;
          if (!schema) return [];
          let compiled: ValidateFunction | undefined;
          return [
            {
              method: method.toUpperCase(),
              pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
              // Compiled on first use: the whole description is 1.2 MB.
              validate: (): ValidateFunction => {
                compiled ??= ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/', '"discord#/')));
                return compiled;
              },
            },
          ];
        }),
      );
  }

  /**
   * The 50035 body Discord would answer `body` with on `method path` (path below /api/v10),
   * or undefined when Discord would accept it. `files` are the multipart field names sent.
   */
  check(method: string, path: string, body: unknown, files: string[] = []): InvalidFormBody | undefined {
    const route = this.routes.find((r) => r.method === method && r.pattern.test(path));
    if (!route || body === undefined) return undefined;
    const validate = route.validate();
    const errors: Array<{ path: string[]; error: FieldError }> = [];
    if (!validate(body)) errors.push(...fromAjv(validate.errors ?? []));
    errors.push(...beyondSchema(path, body, files));
    if (errors.length === 0) return undefined;
    const tree: ErrorTree = {};
    for (const { path: at, error } of errors) add(tree, at, error);
    return { message: "Invalid Form Body", code: 50035, errors: tree };
  }
}

function parameters(template: string): number {
  return (template.match(/\{/g) ?? []).length;
}

/**
 * Where the description and Discord's documented behaviour differ (specs README): permissions
 * are a string of digits on the wire, as the documentation and discord.js send them.
 */
function withKnownQuirks(components: OpenApi["components"]): OpenApi["components"] {
  const patched = structuredClone(components);
  for (const schema of Object.values(patched.schemas)) {
    const properties = schema.properties as Record<string, unknown> | undefined;
    if (properties?.default_member_permissions) {
      properties.default_member_permissions = { type: ["string", "null"], pattern: "^[0-9]{1,20}$" };
    }
  }
  return { schemas: patched.schemas };
}

/**
 * Ajv reports every branch of every union; Discord reports the fields that are wrong. Kept: the
 * errors of the branch whose `type` matched (an object whose `type` some branch rejected only
 * keeps errors below it), never "must be null" (the nullable branch), a value's type where
 * branches disagree on it (a choice's value may be a string, an integer or a number), or the
 * union's own summary.
 */
function fromAjv(ajvErrors: ErrorObject[]): Array<{ path: string[]; error: FieldError }> {
  const discriminated = new Set(
    ajvErrors
      .filter((e) => e.keyword === "enum" && e.instancePath.endsWith("/type"))
      .map((e) => e.instancePath.slice(0, -"/type".length)),
  );
  const typesWanted = new Map<string, Set<string>>();
  for (const e of ajvErrors.filter((e) => e.keyword === "type" && e.params.type !== "null")) {
    const wanted = typesWanted.get(e.instancePath) ?? new Set();
    typesWanted.set(e.instancePath, wanted.add(String(e.params.type)));
  }
  const relevant = ajvErrors.filter(
    (e) =>
      !["anyOf", "oneOf", "allOf", "if", "then", "else", "not"].includes(e.keyword) &&
      !(e.keyword === "type" && e.params.type === "null") &&
      !(e.keyword === "type" && (typesWanted.get(e.instancePath)?.size ?? 0) > 1) &&
      !discriminated.has(e.instancePath) &&
      !(e.keyword === "enum" && discriminated.has(e.instancePath.slice(0, -"/type".length))),
  );
  const chosen = relevant.length > 0 ? relevant : ajvErrors;
  const seen = new Set<string>();
  return chosen.flatMap((e) => {
    const path = e.instancePath.split("/").slice(1);
    if (e.keyword === "required") path.push(String(e.params.missingProperty));
    const error = fieldError(e);
    const key = `${path.join("/")} ${error.code}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ path, error }];
  });
}

function fieldError(e: ErrorObject): FieldError {
  const limit = e.params.limit as number;
  switch (e.keyword) {
    case "maxLength":
    case "maxItems":
      return { code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${limit} or fewer in length.` };
    case "minLength":
    case "minItems":
      return { code: "BASE_TYPE_MIN_LENGTH", message: `Must be ${limit} or more in length.` };
    case "required":
      return { code: "BASE_TYPE_REQUIRED", message: "This field is required" };
    case "pattern":
      return { code: "STRING_TYPE_REGEX", message: "String value did not match validation regex." };
    case "enum":
      return {
        code: "BASE_TYPE_CHOICES",
        message: `Value must be one of {${(e.params.allowedValues as unknown[]).join(", ")}}.`,
      };
    case "maximum":
      return { code: "NUMBER_TYPE_MAX", message: `Value should be less than or equal to ${limit}.` };
    case "minimum":
      return { code: "NUMBER_TYPE_MIN", message: `Value should be greater than or equal to ${limit}.` };
    default:
      return { code: "BASE_TYPE_BAD_TYPE", message: e.message ?? "Invalid value." };
  }
}

/** The rules of `../shared/specs/README.md` that the schema cannot express. */
function beyondSchema(
  route: string,
  body: unknown,
  files: string[],
): Array<{ path: string[]; error: FieldError }> {
  const errors: Array<{ path: string[]; error: FieldError }> = [];
  const object = (body ?? {}) as Record<string, unknown>;
  // A callback carries its message under `data`; webhooks and channel messages at the top.
  const [message, prefix] = /\/callback$/.test(route)
    ? [(object.data ?? {}) as Record<string, unknown>, ["data"]]
    : [object, []];

  if (Array.isArray(message.embeds) && embedTotal(message.embeds) > EMBED_TOTAL) {
    errors.push({
      path: [...prefix, "embeds"],
      error: {
        code: "MAX_EMBED_SIZE_EXCEEDED",
        message: `Embed size exceeds maximum size of ${EMBED_TOTAL}`,
      },
    });
  }
  if (Array.isArray(message.choices)) {
    message.choices.forEach((choice: { value?: unknown }, i) => {
      if (typeof choice?.value === "string" && choice.value.length > CHOICE_VALUE_MAX) {
        errors.push({ path: [...prefix, "choices", String(i), "value"], error: maxLength(CHOICE_VALUE_MAX) });
      }
    });
  }
  if (Array.isArray(message.attachments)) {
    message.attachments.forEach((attachment: { id?: unknown }, i) => {
      const id = String(attachment?.id);
      // A snowflake keeps an attachment the message already has; anything else names an upload.
      if (/^\d{17,20}$/.test(id) || files.includes(`files[${id}]`)) return;
      errors.push({
        path: [...prefix, "attachments", String(i), "id"],
        error: {
          code: "ATTACHMENT_NOT_FOUND",
          message: `Attachment with id ${id} was not found in the request.`,
        },
      });
    });
  }
  if (/\/commands$/.test(route)) {
    const commands = Array.isArray(body) ? body : [body];
    commands.forEach((command, i) => {
      const at = Array.isArray(body) ? [String(i)] : [];
      errors.push(...commandNames(command as CommandLike, at));
    });
  }
  return errors;
}

interface CommandLike {
  name?: unknown;
  type?: unknown;
  options?: CommandLike[];
  choices?: Array<{ value?: unknown }>;
}

/** Chat-input command and option names: Discord's pattern, lower case; string choices ≤ 100. */
function commandNames(command: CommandLike, at: string[]): Array<{ path: string[]; error: FieldError }> {
  const errors: Array<{ path: string[]; error: FieldError }> = [];
  const chatInput = command.type === undefined || command.type === 1;
  const name = String(command.name ?? "");
  if (chatInput && (!NAME.test(name) || name !== name.toLowerCase())) {
    errors.push({
      path: [...at, "name"],
      error: { code: "APPLICATION_COMMAND_INVALID_NAME", message: "Command name is invalid" },
    });
  }
  for (const [i, option] of (command.options ?? []).entries()) {
    const optionAt = [...at, "options", String(i)];
    errors.push(...commandNames({ ...option, type: undefined }, optionAt));
    for (const [c, choice] of (option.choices ?? []).entries()) {
      if (typeof choice.value === "string" && choice.value.length > CHOICE_VALUE_MAX) {
        errors.push({
          path: [...optionAt, "choices", String(c), "value"],
          error: maxLength(CHOICE_VALUE_MAX),
        });
      }
    }
  }
  return errors;
}

function maxLength(limit: number): FieldError {
  return { code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${limit} or fewer in length.` };
}

interface EmbedLike {
  title?: string;
  description?: string;
  fields?: Array<{ name?: string; value?: string }>;
  footer?: { text?: string };
  author?: { name?: string };
}

/** Discord's 6000: every title, description, field name and value, footer text and author name. */
export function embedTotal(embeds: EmbedLike[]): number {
  return embeds.reduce(
    (sum, e) =>
      sum +
      (e?.title?.length ?? 0) +
      (e?.description?.length ?? 0) +
      (e?.fields ?? []).reduce((s, f) => s + (f.name?.length ?? 0) + (f.value?.length ?? 0), 0) +
      (e?.footer?.text?.length ?? 0) +
      (e?.author?.name?.length ?? 0),
    0,
  );
}

function add(tree: ErrorTree, path: string[], error: FieldError): void {
  let node = tree;
  for (const key of path) {
    node[key] ??= {};
    node = node[key] as ErrorTree;
  }
  node._errors ??= [];
  node._errors.push(error);
}

import path from "node:path";
import dotenv from "dotenv";
import { UserFacingError } from "./errors.js";

/** Everything genrebot reads from the environment, validated once. Secrets live only here. */
export interface Config {
  discord: { token: string; clientId: string; guildId: string | undefined };
  /** Absent when no Spotify credentials are set: search and metadata then come from Deezer. */
  spotify: { clientId: string; clientSecret: string } | undefined;
  /** Whether the bot asks for the privileged Guild Presences intent (`/genre` with no arguments). */
  presenceIntent: boolean;
  /** Keyv store: `sqlite://path` (default) or `redis://host:port`. */
  storeUrl: string;
  logLevel: string;
  /** Folder of the genre model; defaults to the one shipped in `models/genre`. */
  modelDir: string;
  /** Whether the bot re-analyses older-model records in the background (BACKGROUND_REINDEX, default true). */
  backgroundReindex: boolean;
}

interface VariableSpec {
  name: string;
  whereToGetIt: string;
}

const DISCORD_PORTAL = "Discord developer portal → your application";
const SPOTIFY_DASHBOARD = "Spotify developer dashboard → your app → Settings";

const REQUIRED: Record<"discord" | "spotify", VariableSpec[]> = {
  discord: [
    {
      name: "DISCORD_TOKEN",
      whereToGetIt: `${DISCORD_PORTAL} → Bot → Reset Token (https://discord.com/developers/applications)`,
    },
    { name: "DISCORD_CLIENT_ID", whereToGetIt: `${DISCORD_PORTAL} → General Information → Application ID` },
  ],
  spotify: [
    {
      name: "SPOTIFY_CLIENT_ID",
      whereToGetIt: `${SPOTIFY_DASHBOARD} → Client ID (https://developer.spotify.com/dashboard)`,
    },
    { name: "SPOTIFY_CLIENT_SECRET", whereToGetIt: `${SPOTIFY_DASHBOARD} → View client secret` },
  ],
};

export const PROJECT_ROOT = path.resolve(import.meta.dirname, "..");
export const DEFAULT_MODEL_DIR = path.join(PROJECT_ROOT, "models", "genre");
const DEFAULT_STORE_URL = `sqlite://${path.join("data", "genrebot.sqlite")}`;

export class ConfigError extends UserFacingError {
  readonly missing: string[];
  constructor(missing: VariableSpec[]) {
    const lines = missing.map((v) => `  - ${v.name}: ${v.whereToGetIt}`);
    super(
      "config-missing",
      [
        `genrebot cannot start: ${missing.length} setting${missing.length === 1 ? " is" : "s are"} missing from .env:`,
        ...lines,
        "Copy .env.example to .env, fill these in, then run `npm start` again.",
      ].join("\n"),
    );
    this.missing = missing.map((v) => v.name);
  }
}

/** Reads `.env` (if present) into the environment without overriding what is already set. */
export function loadDotEnv(file = path.join(process.cwd(), ".env")): void {
  dotenv.config({ path: file, quiet: true });
}

function present(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/**
 * Validates the environment into a typed config. `needs` names the services this entry point
 * really uses, so the CLI can classify a file with no credentials at all and `npm start` needs only
 * Discord (Spotify is optional: Deezer's keyless API stands in). Half a Spotify pair is a mistake,
 * not a choice, so it is reported like a missing variable. Every missing variable is reported at
 * once, not one per attempt.
 */
export function readConfig(env: NodeJS.ProcessEnv, needs: Array<"discord" | "spotify"> = []): Config {
  const spotifyGiven = REQUIRED.spotify.some((v) => present(env, v.name));
  const services = spotifyGiven && !needs.includes("spotify") ? [...needs, "spotify" as const] : needs;
  const missing = services.flatMap((service) => REQUIRED[service].filter((v) => !present(env, v.name)));
  if (missing.length > 0) throw new ConfigError(missing);
  return {
    discord: {
      token: present(env, "DISCORD_TOKEN") ?? "",
      clientId: present(env, "DISCORD_CLIENT_ID") ?? "",
      guildId: present(env, "DISCORD_GUILD_ID"),
    },
    spotify: spotifyGiven
      ? {
          clientId: present(env, "SPOTIFY_CLIENT_ID") ?? "",
          clientSecret: present(env, "SPOTIFY_CLIENT_SECRET") ?? "",
        }
      : undefined,
    presenceIntent: present(env, "PRESENCE_INTENT")?.toLowerCase() === "true",
    storeUrl: present(env, "STORE_URL") ?? DEFAULT_STORE_URL,
    logLevel: present(env, "LOG_LEVEL") ?? "info",
    modelDir: present(env, "MODEL_DIR") ?? DEFAULT_MODEL_DIR,
    backgroundReindex: present(env, "BACKGROUND_REINDEX")?.toLowerCase() !== "false",
  };
}

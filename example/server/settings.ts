import * as path from "path";
import { DEFAULT_HOST } from "./app-server";
import { DEFAULT_TOKEN } from "./exposure";
import { checkAccounts, type Account } from "./tasks-api";

/**
 * `npm start`'s environment, read and checked in one place. Each mistake is
 * an Error naming the variable and what to set it to.
 */
export interface Settings {
  port: number;
  host: string;
  dataDir: string;
  /** Single-user mode's token (when TASKS_USERS is unset). */
  token?: string;
  /** TASKS_USERS. */
  users?: Account[];
  publicUrl?: string;
  trustProxy: boolean;
  googleClientId?: string;
  googleAccessToken?: string;
  redisUrl?: string;
  /** ATMOS_REDIS_KEY_PREFIX (default: one named after the database). */
  redisKeyPrefix?: string;
  secret?: string;
  maxLiveConnections: number;
  maxLiveConnectionsPerUser: number;
}

/** Defaults of the live caps: far above what a household or a class needs, far below what exhausts memory. */
export const LIVE_CAPS = { total: 1000, perUser: 20 };

export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const users = env.TASKS_USERS ? parseUsers(env.TASKS_USERS) : undefined;
  if (users && env.TASKS_TOKEN) {
    throw new Error("set TASKS_TOKEN (one user) or TASKS_USERS (several accounts), not both: with TASKS_USERS each person has their own token");
  }
  return {
    port: integer(env, "PORT", 3000, 0, 65535),
    host: env.HOST || DEFAULT_HOST,
    dataDir: path.resolve(env.DATA_DIR || "data"),
    token: users ? undefined : singleToken(env.TASKS_TOKEN),
    users,
    publicUrl: publicUrl(env.PUBLIC_URL),
    trustProxy: flag(env, "TRUST_PROXY"),
    googleClientId: env.GOOGLE_CLIENT_ID || undefined,
    googleAccessToken: env.GOOGLE_ACCESS_TOKEN || undefined,
    redisUrl: env.REDIS_URL || undefined,
    redisKeyPrefix: env.ATMOS_REDIS_KEY_PREFIX || undefined,
    secret: env.ATMOS_SECRET || undefined,
    maxLiveConnections: integer(env, "LIVE_MAX_CONNECTIONS", LIVE_CAPS.total, 1, 1_000_000),
    maxLiveConnectionsPerUser: integer(env, "LIVE_MAX_CONNECTIONS_PER_USER", LIVE_CAPS.perUser, 1, 1_000_000),
  };
}

/** TASKS_TOKEN, or the default; one a Bearer header could not carry (spaces, tabs) is refused, as TASKS_USERS refuses it. */
function singleToken(token: string | undefined): string {
  if (!token) return DEFAULT_TOKEN;
  if (/\s/.test(token)) throw new Error("TASKS_TOKEN must not contain spaces or other whitespace (an Authorization: Bearer header cannot carry them); use e.g. `openssl rand -hex 16`");
  return token;
}

/** `alice:<token>,bob:<token>` → accounts, in order (the first one owns data from before accounts). */
export function parseUsers(text: string): Account[] {
  const accounts = text
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry, i) => {
      const colon = entry.indexOf(":");
      if (colon <= 0 || colon === entry.length - 1) {
        // Counted, not quoted: the entry may be a bare token, which must not reach a log.
        throw new Error(`TASKS_USERS entry ${i + 1} must look like name:token (e.g. TASKS_USERS="alice:<token>,bob:<token>")`);
      }
      return { name: entry.slice(0, colon).trim(), token: entry.slice(colon + 1).trim() };
    });
  try {
    checkAccounts(accounts);
  } catch (err) {
    throw new Error(`TASKS_USERS: ${(err as Error).message.replace(/^users: /, "")}`);
  }
  return accounts;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw new Error(`${name} must be a whole number ${min}…${max} (got "${raw}")`);
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "" || raw === "0") return false;
  if (raw === "1") return true;
  throw new Error(`${name} must be 1 (on) or 0 (off) (got "${raw}")`);
}

function publicUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`PUBLIC_URL must be the address people open, such as https://tasks.example.org (got "${raw}")`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`PUBLIC_URL must start with http:// or https:// (got "${raw}")`);
  return url.origin;
}

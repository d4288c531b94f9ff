import { randomBytes } from "crypto";

/** A new opaque resource id (22 url-safe characters, 128 random bits). */
export function newId(): string {
  return randomBytes(16).toString("base64url");
}

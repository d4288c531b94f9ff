/**
 * Who may use the API. Each account owns its own lists (and their tasks) and
 * has its own live channel; nobody sees another account's records.
 */

/** One person: a name (owner of their lists) and the Bearer token they sign in with. */
export interface Account {
  name: string;
  token: string;
}

/**
 * The account of a server configured with a single token (or none). Its name
 * is what data written before accounts existed belongs to, and what the first
 * configured account inherits when accounts are turned on later.
 */
export const SINGLE_USER = "me";

/** The live channel carrying one account's changes. */
export function userChannel(name: string): string {
  return `user:${name}`;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Throws, naming the problem, unless `accounts` is a usable list. */
export function checkAccounts(accounts: readonly Account[]): void {
  if (accounts.length === 0) throw new Error("users: give at least one account ({ name, token })");
  const names = new Set<string>();
  const tokens = new Set<string>();
  for (const { name, token } of accounts) {
    if (typeof name !== "string" || !NAME.test(name)) {
      throw new Error(`users: the name "${String(name)}" must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit`);
    }
    if (names.has(name)) throw new Error(`users: the name "${name}" is given twice`);
    if (typeof token !== "string" || token === "" || /\s/.test(token)) {
      throw new Error(`users: the token of "${name}" must be a non-empty string without spaces`);
    }
    // Two people with one token would be one person to the server.
    if (tokens.has(token)) throw new Error(`users: the token of "${name}" is also another account's token; give each account its own`);
    names.add(name);
    tokens.add(token);
  }
}

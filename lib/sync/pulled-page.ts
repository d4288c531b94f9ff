import { blankId, localAttrs, type Attrs } from "../store/record-entry";
import { unkeepable } from "../store/keepable";
import type { ModelOptions } from "../app-context/model-options";
import { remoteShaped } from "./remote-shape";
import { SyncError } from "./sync-error";

// What one page of a pull holds: its items checked and in local form, a list
// under another name than `items`, and where the next page is.

/**
 * A pulled item (`list[index]`) in local form, as the model's fromRemote
 * makes it; throws naming the model and IDField when it has no id (or, when
 * the other items have one, naming the item: the server left it out).
 */
export function checkedItem(options: ModelOptions, list: unknown[], index: number, idField: string, status: number, body: unknown): Attrs {
  const { className } = options;
  const item = list[index];
  const idOf = (each: unknown) => (each as Attrs | null)?.[idField];
  const id = idOf(item);
  if (!item || typeof item !== "object" || blankId(id)) {
    const others = list.filter((each, i) => i !== index && !blankId(idOf(each))).length;
    const why = others
      ? `record ${index + 1} of the ${list.length} on this page has no "${idField}", though ${others === list.length - 1 ? "the others have one" : `${others} others have one`} (${JSON.stringify(item)?.slice(0, 120)}); nothing from this response was stored. The server sent a record without its id: fix it there`
      : `a record from the server has no "${idField}"; nothing from this response was stored. Set resourceClient.IDField to the field your server uses`;
    throw new SyncError(`${className}: ${why}`, { status, body, type: "invalid" });
  }
  const why = unkeepable(id, item);
  if (why) throw new SyncError(`${className}: a record from the server has ${why}; nothing from this response was stored`, { status, body, type: "invalid" });
  // Already in local form (a string under "id", as Google's are): the parsed
  // item is this pull's own, no copy needed.
  const attrs = idField === "id" && typeof id === "string" ? (item as Attrs) : localAttrs(item as Attrs, String(id), idField);
  return remoteShaped(options, attrs, { status, body });
}

/**
 * The field of an object answer without `items` that holds a list (`{ data:
 * [...] }`): read as an empty page by the default itemsFromResult, it would
 * show nothing, and `remove: true` would drop the synced records. Google's
 * empty page (`{ kind, etag }`) holds no list.
 */
export function listUnderAnotherName(body: unknown): string | undefined {
  if (!body || typeof body != "object" || Array.isArray(body) || "items" in body) return undefined;
  for (const key in body) if (Array.isArray((body as Attrs)[key])) return key;
  return undefined;
}

/**
 * `scheme://host:port` of a URL, resolved against the page in a browser; ""
 * when there is none to resolve against. This machine's names are one
 * (a server on 127.0.0.1 that writes its links with "localhost").
 */
export function originOf(url: string): string {
  try {
    const { protocol, hostname, port, origin } = new URL(url, (globalThis as { location?: { href: string } }).location?.href);
    return /^(localhost|127(\.\d+){3}|\[::1\])$/.test(hostname) ? `${protocol}//loopback:${port}` : origin;
  } catch {
    return "";
  }
}

/**
 * The rel="next" URL of an RFC 8288 Link header (Rails/json-server
 * pagination), resolved against the URL of the page it came with, as a
 * browser resolves a link: `</api/tasks?page=2>` under a base of
 * `…/api` is that path, not the base's path again.
 */
export function nextLink(header: string | null, pageUrl: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(",")) {
    const match = /<([^>]+)>\s*;.*rel="?([^";]+)"?/i.exec(part.trim());
    if (!match || !match[2].split(/\s+/).includes("next")) continue;
    try {
      return new URL(match[1], new URL(pageUrl, (globalThis as { location?: { href: string } }).location?.href)).href;
    } catch {
      return match[1]; // no absolute URL to resolve against: as the server wrote it
    }
  }
  return undefined;
}

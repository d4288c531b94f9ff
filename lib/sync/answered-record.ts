import type { AtmosRecord } from "../model-types";
import { unkeepableFields, unkeepableId } from "../store/keepable";
import { blankId, type Attrs, type RecordEntry } from "../store/record-entry";
import type { ResponseData } from "./response-body";
import { SyncError } from "./sync-error";
import type { RemoteCallOptions, SyncHost } from "./sync-host";

/** A 2xx answer to a create or update, as the resource client read it (its headers may be unknown: an answer taken unread). */
export type Answer = Pick<ResponseData, "status" | "body" | "redirectedTo"> & Partial<Pick<ResponseData, "headers">>;

/**
 * The record the server's answer to a create or update holds, with its id
 * (`updateFromData` applied), or none: an update answered with no body
 * (204) has nothing to store. A create answered with no body but a
 * `Location` header (Rails's `head :created, location: @todo`) made the
 * record that URL names: its last path segment is the id. A create whose
 * answer names no id throws: nothing of it is stored. An update answered
 * with no record, or with another record's id, counts as made; nothing of
 * the answer is stored (it would take another record's place), and
 * `refused` says why, for the `error` event. So for an answer holding what
 * no Spine record can (keepable.ts): an update stores none of it, a create
 * only its id; one whose id is such throws.
 */
export function answeredRecord(host: SyncHost, entry: RecordEntry, action: "create" | "update", response: Answer, calls: RemoteCallOptions[], record: AtmosRecord | null): { answer?: Attrs; id?: unknown; refused?: SyncError } {
  const idField = host.rc.IDField;
  const { status, body, redirectedTo } = response;
  const location = action === "create" && isEmpty(body) ? idInLocation(response.headers?.get("location")) : undefined;
  let answer = location === undefined ? recordIn(body) : { [idField]: location };
  for (const call of calls) if (call.updateFromData && answer) answer = call.updateFromData(record, answer) ?? answer;
  const id = answer?.[idField];
  const noId = blankId(id);
  // An update answered with no body (204) has nothing to store, and needs no id.
  if (action === "update" && !answer) return {};
  const otherRecord = action === "update" && !noId && String(id) !== entry.id;
  // An id Spine cannot index, or a field it would run as a method (keepable.ts): nothing of it is stored.
  const badId = noId || otherRecord ? undefined : unkeepableId(id);
  const badField = noId || otherRecord || badId ? undefined : unkeepableFields(answer!);
  if (!noId && !otherRecord && !badId && !badField) return { answer, id };
  const why =
    badId ? `the server answered the ${action} (${status}), but the answer has ${badId}; ${action === "update" ? "the update counts as made, and nothing of the answer was stored" : "nothing of it was stored"}`
    // A create keeps its usable id (else each save would make it again), and nothing else.
    : badField ? `the server answered the ${action} (${status}), but the answer has ${badField}; the ${action} counts as made, and nothing${action === "create" ? " but its id" : ""} of the answer was stored`
    : otherRecord ? `the server answered the update (${status}) with the ${idField} ${JSON.stringify(id)}, not ${JSON.stringify(entry.id)}: an update's answer must be the record updated (or empty); the update counts as made, and nothing of the answer was stored`
    : whyNoRecord(idField, action, status, body, answer, redirectedTo);
  const error = new SyncError(`${entry.className}: ${why}`, { status, body, type: "invalid" });
  if (badField && action === "create") return { answer: { [idField]: id }, id, refused: error };
  if (action === "create") throw error;
  return { refused: error };
}

/** What the answer was, and what it must be. */
function whyNoRecord(idField: string, action: string, status: number, body: unknown, answer: Attrs | undefined, redirectedTo?: string): string {
  const wanted = `the answer must be the record saved, with its "${idField}"`;
  const shown = Array.isArray(body) ? "a list" : JSON.stringify(body);
  const wrapper = answer && wrapperOf(answer, idField);
  // What the answer was (said after a redirect), and why it is no record (said otherwise).
  const [what, why] =
    wrapper ? [`the record inside "${wrapper}"`, `with the record inside "${wrapper}"; unwrap it: Model.remoteSaveOptions = { updateFromData: (record, data) => data.${wrapper} }`]
    : answer ? [`an object without "${idField}"`, `without "${idField}"; set resourceClient.IDField to the field your server puts the id in`]
    : isEmpty(body) ? ["an empty body", `with an empty body; ${wanted} (or, for a create, a Location header naming it)`]
    : typeof body == "string" ? ["text", `with text, not JSON: ${JSON.stringify(body.slice(0, 80))}; ${wanted}`]
    : [shown, `with ${shown}, not a record; ${wanted}`];
  // fetch sends a POST that a 301, 302 or 303 redirects as a GET: the answer is the page there, not the record saved, and the redirect is what to fix.
  return redirectedTo
    ? `the ${action} was redirected to ${redirectedTo}, and after a 301, 302 or 303 a POST goes on as a GET, which saves nothing; point resourceClient.base and the routes at the address that answers (the answer there, ${status}, was ${what}, not the record saved)`
    : `the server answered the ${action} (${status}) ${why}`;
}

/** The one key of `{ data: { id, ... } }` (an envelope around the record), if the answer is one. */
function wrapperOf(answer: Attrs, idField: string): string | undefined {
  const keys = Object.keys(answer);
  const inner = keys.length === 1 ? recordIn(answer[keys[0]]) : undefined;
  return inner && inner[idField] != null && /^[A-Za-z_$][\w$]*$/.test(keys[0]) ? keys[0] : undefined;
}

function isEmpty(body: unknown): boolean {
  return body === null || body === undefined || body === "";
}

/** The last path segment of a Location URL (`/todos/42` or `/todos/42.json` → "42"). */
function idInLocation(location: string | null | undefined): string | undefined {
  const path = (location ?? "").split(/[?#]/)[0].replace(/\/+$/, "");
  const last = path.slice(path.lastIndexOf("/") + 1).replace(/\.json$/i, "");
  try {
    return decodeURIComponent(last) || undefined;
  } catch {
    return last || undefined;
  }
}

/** The record an answer's body is, if it is one object. */
export function recordIn(body: unknown): Attrs | undefined {
  return body && typeof body === "object" && !Array.isArray(body) ? (body as Attrs) : undefined;
}

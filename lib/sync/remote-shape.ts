import type { ModelOptions } from "../app-context/model-options";
import { shown } from "../store/keepable";
import type { Attrs } from "../store/record-entry";
import { SyncError } from "./sync-error";

/**
 * A record from the server (a pulled page's, a save's answer, a live
 * change's) as the model's `fromRemote` makes it, its id kept; as it is when
 * the model has none. A fromRemote that changes the attributes in place may
 * return nothing. One that returns something else is the app's mistake:
 * throws a SyncError naming the model (with the response's status and body),
 * and the caller stores nothing of the record.
 */
export function remoteShaped(options: ModelOptions, attrs: Attrs, response?: { status: number; body: unknown }): Attrs {
  const { model } = options;
  if (typeof model?.fromRemote !== "function") return keysAsIds(options, attrs);
  const made = model.fromRemote(attrs) ?? attrs;
  if (typeof made != "object" || Array.isArray(made)) {
    throw new SyncError(`${options.className}.fromRemote must return the attributes to store (an object), or nothing; it returned ${shown(made)}; nothing of that record was stored`, { ...response, type: "invalid" });
  }
  return keysAsIds(options, made === attrs ? attrs : { ...made, id: attrs.id });
}

/**
 * Numeric ids are kept as strings here ("100"); a foreign key in
 * `remoteKeys` the server sends as a number (Rails' `list_id: 100`) is kept
 * so too, or Spine's relations, which compare with ===, find nothing. It
 * goes back as a number (see `keysForServer`).
 */
function keysAsIds({ remoteKeys }: ModelOptions, attrs: Attrs): Attrs {
  for (const key in remoteKeys) if (typeof attrs[key] == "number") attrs[key] = String(attrs[key]);
  return attrs;
}

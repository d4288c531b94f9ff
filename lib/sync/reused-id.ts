import type { Attrs, RecordEntry } from "../store/record-entry";
import { sameOnWire } from "./merge";
import { plainObject } from "./outbox-exchange";
import type { SyncHost } from "./sync-host";

/**
 * A server may give a new record the id of one deleted: json-server and
 * SQLite without AUTOINCREMENT take the highest id + 1. So when another
 * device deleted the newest record, a create sent from a page that still
 * shows it is answered with that record's id. Taken for another record's
 * id, the create was parked for good (sent again, it was answered the
 * same), and a pull then showed the new record twice.
 *
 * Called with a create's answer before it is applied: when it gives the id
 * of another record made here that holds nothing unsent, the server is
 * asked for the record under that id. Only when it answers with what this
 * create sent was the record shown here deleted there: it goes here too,
 * as a pull would take it away, and the answer applies as usual. Anything
 * else (a cache answering one create with another's answer) leaves the
 * answer to be refused as before.
 */
export async function dropRecordWhoseIdWasReused(host: SyncHost, entry: RecordEntry, body: unknown): Promise<void> {
  const idField = host.rc.IDField;
  const answer = plainObject(body);
  const id = answer?.[idField];
  if (typeof id != "string" && typeof id != "number") return;
  const other = host.meta.get(entry.className, String(id));
  if (!other || other === entry || String(id) === entry.id || !other.formerIds?.length) return;
  if (!other.acked || other.queue.length || other.failed || other.deleted) return;
  const sent = plainObject(entry.queue[0]?.sentAs?.data);
  if (!sent || !carries(answer, sent)) return;
  const lookup = (name: string) => (name === "id" || name === idField ? String(id) : entry.attrs[name]);
  let there: unknown;
  try {
    const { method, path } = host.rc.route(entry.className, "read", lookup, host.options(entry.className).url);
    there = (await host.rc.request({ method, path, model: entry.className })).body;
  } catch {
    return; // Not asked, or no answer: refused as before.
  }
  // Gone already, or no longer that record (another answer came meanwhile).
  if (host.meta.get(entry.className, String(id)) !== other || !carries(plainObject(there), sent)) return;
  host.meta.remove(other.className, other.id);
  host.hide(other.className, other.id);
}

/** Whether `record` holds each field of `sent` as sent. */
function carries(record: Attrs | undefined, sent: Attrs): boolean {
  const fields = Object.keys(sent).filter((field) => field !== "id");
  return !!record && fields.length > 0 && fields.every((field) => sameOnWire(sent[field], record[field]));
}

import type Atmos from "atmos2";
import type { ConflictEvent } from "atmos2";
import type { UndoToast } from "./undo-toast";

/** The fields a person sees and edits, with the words the notice uses for them. */
const shownFields: Record<string, Record<string, string>> = {
  Task: { title: "title", notes: "notes", due: "due date", status: "done state" },
  List: { title: "name" },
};

type Editable = { updateAttributes?(attrs: object, options: object): unknown; title?: string; id?: string };

/** One record whose fields this device wrote over, and the other device's values of them. */
interface WrittenOver {
  key: string;
  model: string;
  record: Editable;
  theirs: Record<string, unknown>;
  fields: string[];
}

/**
 * When this device and another one changed the same field of a task or list
 * at once, atmos2 keeps this device's value (its changed fields win) and
 * says so with a `conflict` event. Without a word here, the other person's
 * edit would be gone with nobody told: the toast names what was written
 * over and offers the other device's values back ("Use theirs"). Conflicts
 * that come while the toast still offers that share it, so none goes unsaid.
 * A field only one side changed is merged and needs no notice.
 */
export function noticeConflicts(atmos: Atmos, toast: UndoToast): void {
  let batch: WrittenOver[] = [];
  let offered: (() => void) | undefined;
  atmos.on("conflict", (conflict) => {
    const words = shownFields[conflict.model];
    const fields = words ? bothChanged(conflict, Object.keys(words)) : [];
    const record = conflict.record as Editable | null;
    if (!fields.length || !record?.updateAttributes) return;
    const theirs: Record<string, unknown> = {};
    for (const field of fields) theirs[field] = conflict.remote[field];
    const key = `${conflict.model}:${String(record.id)}`;
    if (!offered || !toast.offers(offered)) batch = [];
    batch = batch.filter((b) => b.key !== key).concat({ key, model: conflict.model, record, theirs, fields });
    const mine = batch;
    offered = () => {
      for (const { record: r, theirs: t } of mine) r.updateAttributes!(t, { remote: true });
    };
    // Kept until dismissed: the other device's values are gone once the toast is.
    toast.offer(describe(mine), "Use theirs", offered, false, true);
  });
}

function describe(batch: WrittenOver[]): string {
  if (batch.length === 1) {
    const [{ model, record, fields, theirs }] = batch;
    const named = listed(fields.map((field) => shownFields[model][field]));
    // What "theirs" is, when it is words: one title or one note.
    const value = fields.length === 1 && typeof theirs[fields[0]] === "string" && (fields[0] === "title" || fields[0] === "notes") ? String(theirs[fields[0]]) : undefined;
    const to = value === undefined ? "" : ` to “${value.length > 80 ? `${value.slice(0, 79)}…` : value}”`;
    return `Another device changed the ${named} of the ${model === "List" ? "list" : "task"} “${String(record.title ?? "")}”${to} at the same time; yours ${fields.length > 1 ? "were" : "was"} kept.`;
  }
  const models = new Set(batch.map((b) => b.model));
  const what = models.size > 1 ? "tasks and lists" : models.has("List") ? "lists" : "tasks";
  const titles = batch.map((b) => `“${String(b.record.title ?? "")}”`).join(", ");
  // The same fields of each: named, as for one.
  const fields = batch[0].fields.join();
  const named = batch.every((b) => b.fields.join() === fields && b.model === batch[0].model) ? `the ${listed(batch[0].fields.map((f) => shownFields[batch[0].model][f]))} of ` : "";
  return `Another device changed ${named}${batch.length} ${what} at the same time (${titles}); yours were kept.`;
}

/** The fields whose local and remote values both differ from the version the edit started from, and from each other. */
function bothChanged({ local, remote, base }: ConflictEvent, fields: string[]): string[] {
  if (!base) return [];
  const same = (a: unknown, b: unknown) => (a ?? null) === (b ?? null);
  return fields.filter((f) => !same(local[f], base[f]) && !same(remote[f], base[f]) && !same(local[f], remote[f]));
}

/** "title", "title and notes", "title, notes and due date". */
function listed(words: string[]): string {
  return words.length > 1 ? `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}` : words[0];
}

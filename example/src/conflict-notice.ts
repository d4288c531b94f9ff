import type Atmos from "atmos2";
import type { ConflictEvent } from "atmos2";
import type { UndoToast } from "./undo-toast";

/** The fields a person sees and edits, with the words the notice uses for them. */
const shownFields: Record<string, Record<string, string>> = {
  Task: { title: "title", notes: "notes", due: "due date", status: "done state" },
  List: { title: "name" },
};

/**
 * When this device and another one changed the same field of a task or list
 * at once, atmos2 keeps this device's value (its changed fields win) and
 * says so with a `conflict` event. Without a word here, the other person's
 * edit would be gone with nobody told: the toast names what was written
 * over and offers the other device's values back ("Use theirs").
 * A field only one side changed is merged and needs no notice.
 */
export function noticeConflicts(atmos: Atmos, toast: UndoToast): void {
  atmos.on("conflict", (conflict) => {
    const words = shownFields[conflict.model];
    const clashed = words ? bothChanged(conflict, Object.keys(words)) : [];
    const record = conflict.record as { updateAttributes?(attrs: object, options: object): unknown; title?: string } | null;
    if (!clashed.length || !record?.updateAttributes) return;
    const theirs: Record<string, unknown> = {};
    for (const field of clashed) theirs[field] = conflict.remote[field];
    const what = conflict.model === "List" ? "list" : "task";
    const named = listed(clashed.map((field) => words[field]));
    toast.offer(`Another device changed the ${named} of the ${what} “${String(record.title ?? "")}” at the same time; yours ${clashed.length > 1 ? "were" : "was"} kept.`, "Use theirs", () => {
      record.updateAttributes!(theirs, { remote: true });
    });
  });
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

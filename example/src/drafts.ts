/**
 * What is typed in "New list" and "Add a task" and not added yet, kept in
 * sessionStorage, so a reload (or a phone discarding the tab in the
 * background) does not lose it. A field takes part with `data-draft="key"`;
 * closing the tab forgets its drafts, as a form's own fields would.
 */
const prefix = "tasks-example:draft:";

/** Stores each keystroke of a field with `data-draft` (an empty field forgets its draft). */
export function keepDrafts(root: Document): void {
  root.addEventListener(
    "input",
    (event) => {
      const field = event.target as HTMLInputElement | null;
      const key = field?.dataset?.draft;
      if (key) store(key, field.value);
    },
    true,
  );
}

/** The draft kept for `key`, or "" when there is none. */
export function draftOf(key: string): string {
  try {
    return sessionStorage.getItem(prefix + key) ?? "";
  } catch {
    return "";
  }
}

/** Empties a field and forgets its draft: what it held was added, or let go of with Esc. */
export function emptyField(field: { val(value: string): unknown; attr(name: string): string | undefined }): void {
  field.val("");
  const key = field.attr("data-draft");
  if (key) store(key, "");
}

/**
 * Files a field's draft under `key` from now on: a list made here gets the
 * server's id after its create is answered, and the draft follows it (the
 * page reloaded knows the list by that id only).
 */
export function rekeyDraft(field: { val(): unknown; attr(name: string): string | undefined; attr(name: string, value: string): unknown }, key: string): void {
  const old = field.attr("data-draft");
  if (!old || old === key) return;
  store(old, "");
  field.attr("data-draft", key);
  store(key, String(field.val() ?? ""));
}

function store(key: string, value: string): void {
  try {
    if (value) sessionStorage.setItem(prefix + key, value);
    else sessionStorage.removeItem(prefix + key);
  } catch {
    // Storage full or blocked: the draft stays in the field only, as before.
  }
}

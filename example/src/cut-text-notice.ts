import type { UndoToast } from "./undo-toast";

/** How long one field's notice is not repeated, so typing on at the limit is said once. */
const QUIET_MS = 4_000;

/**
 * A field with a `maxlength` (the Tasks API's own limits: a title holds
 * 1,024 characters, notes 8,192) drops what is typed or pasted past it
 * without a word: a long paste was cut and nobody saw where. This says so in
 * the toast before the browser cuts it.
 */
export function noticeCutText(root: Document, toast: UndoToast): void {
  const said = new WeakMap<EventTarget, number>();
  root.addEventListener(
    "beforeinput",
    (event) => {
      const field = event.target;
      if (!(field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement) || field.maxLength <= 0) return;
      if (!event.inputType.startsWith("insert")) return;
      let added = event.data ?? event.dataTransfer?.getData("text/plain") ?? "";
      // A one-line field drops the line breaks of what is pasted into it.
      if (field instanceof HTMLInputElement) added = added.replace(/[\r\n]/g, "");
      const replaced = (field.selectionEnd ?? 0) - (field.selectionStart ?? 0);
      if (field.value.length - replaced + added.length <= field.maxLength) return;
      if (Date.now() - (said.get(field) ?? -Infinity) < QUIET_MS) return;
      said.set(field, Date.now());
      // Named as the screen shows it: a label only a screen reader has ("New task") reads as the placeholder ("Add a task") on screen.
      const label = field.labels?.[0];
      const name = (label && !label.classList.contains("visually-hidden") ? label.textContent?.trim() : "") || field.placeholder || label?.textContent?.trim();
      toast.offer(`${name ? `“${name}”` : "This field"} holds at most ${field.maxLength.toLocaleString("en")} characters: the rest was cut`);
    },
    true,
  );
}

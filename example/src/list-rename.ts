import { html, type SafeHtml } from "./html";
import type { List } from "./list-model";

/** The list heading's rename form, holding the list's name. */
export function renameForm(list: List): SafeHtml {
  return html`
    <form class="rename-form">
      <label class="visually-hidden" for="rename-input">List name</label>
      <input id="rename-input" class="rename-input" dir="auto" value="${list.title || ""}" autocomplete="off" maxlength="1024">
      <button type="submit" class="btn-primary">Save</button>
      <button type="button" class="rename-cancel btn-quiet">Cancel</button>
    </form>
  `;
}

/**
 * The new name typed in the rename form, trimmed. A blank one is no name:
 * the field says so and undefined is returned, so the form stays open (it
 * closed, keeping the old name without a word).
 */
export function typedName(input: HTMLInputElement, list: List): string | undefined {
  const title = input.value.trim();
  if (title) return title;
  input.setCustomValidity(`A list needs a name; Esc keeps “${list.title || "Untitled list"}”`);
  input.reportValidity();
  input.addEventListener("input", () => input.setCustomValidity(""), { once: true });
  return undefined;
}

import type { List } from "./list-model";

/**
 * The page's title names the list shown ("Groceries – Tasks"): browser tabs,
 * history and a screen reader's list of pages can tell the lists apart.
 */
export function showPageTitle(list: List | undefined): void {
  document.title = list ? `${list.title || "Untitled list"} – Tasks` : "Tasks";
}

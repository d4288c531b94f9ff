/**
 * Rails' names for a model, pure: the REST collection (`Task` → `tasks`) and
 * the param root (`TaskList` → `task_list`). Routes, form coding and the live
 * client (matching a change's collection to a model) all use them.
 */

/** "Task" → "tasks", "TaskList" → "task_lists", "Category" → "categories". */
export function collectionName(className: string): string {
  const under = underscore(className);
  if (/[^aeiou]y$/.test(under)) return under.slice(0, -1) + "ies";
  if (/(s|x|z|ch|sh)$/.test(under)) return under + "es";
  return under + "s";
}

/** "TaskList" → "task_list": Rails' param root. */
export function underscore(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/([a-z\d])([A-Z])/g, "$1_$2")
    .replace(/[-\s]/g, "_")
    .toLowerCase();
}

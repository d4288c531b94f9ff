import type { IntendedTask, SharedIntent } from "./shared-intent";

type Attrs = Record<string, any>;

/** Records by the handle their values carry; a handle seen twice is a duplicate. */
function byHandle(records: Attrs[], label: string, intent: SharedIntent, problems: string[]): Map<string, Attrs> {
  const found = new Map<string, Attrs>();
  for (const record of records) {
    const handle = intent.handleOf(record);
    if (found.has(handle)) problems.push(`${label} holds task ${handle} twice (ids ${found.get(handle)!.id} and ${record.id})`);
    else found.set(handle, record);
  }
  return found;
}

/**
 * The server holds every task the users kept, once, with each field at the
 * last value its owning device wrote; no task a creator destroyed.
 */
export function checkServer(server: Attrs[], intent: SharedIntent): string[] {
  const problems: string[] = [];
  const tasks = byHandle(server, "the server", intent, problems);
  const kept = new Map(intent.kept().map((t) => [t.handle, t]));
  for (const [handle, got] of tasks) {
    const want = kept.get(handle);
    if (!want) {
      const task = intent.tasks.get(handle);
      problems.push(task ? `the server still has ${handle}, which ${task.creator} destroyed` : `the server has a task no one made: ${JSON.stringify(got)}`);
      continue;
    }
    if (got.title !== want.title) problems.push(`the server has ${handle} titled ${got.title}, A's last title is ${want.title}`);
    if ((got.notes ?? undefined) !== want.notes) problems.push(`the server has ${handle} with notes ${got.notes}, B's last notes are ${want.notes}`);
  }
  for (const handle of kept.keys()) if (!tasks.has(handle)) problems.push(`the server lost ${handle} (${describe(kept.get(handle)!)})`);
  return problems;
}

/** A device shows exactly the server's tasks: same ids, values and versions. */
export function checkDevice(label: string, shown: Attrs[], server: Attrs[], intent: SharedIntent): string[] {
  const problems: string[] = [];
  const local = byHandle(shown, label, intent, problems);
  const remote = byHandle(server, "server", intent, []);
  for (const [handle, got] of local) {
    const want = remote.get(handle);
    if (!want) {
      const task = intent.tasks.get(handle);
      problems.push(task?.destroyed ? `${label} shows ${handle}, which ${task.creator} destroyed` : `${label} shows ${handle}, which the server does not have`);
      continue;
    }
    for (const field of ["id", "title", "notes", "etag"]) {
      if ((got[field] ?? undefined) !== (want[field] ?? undefined)) problems.push(`${label} ${handle}: ${field} is ${JSON.stringify(got[field])}, the server's is ${JSON.stringify(want[field])}`);
    }
  }
  for (const handle of remote.keys()) if (!local.has(handle)) problems.push(`${label} does not show ${handle}, which the server has`);
  return problems;
}

function describe(task: IntendedTask): string {
  return `made by ${task.creator}, title ${task.title}, notes ${task.notes}`;
}

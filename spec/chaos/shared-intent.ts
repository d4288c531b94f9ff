/** The two devices of a run. A owns every task's title, B every task's notes. */
export type DeviceName = "A" | "B";

/** What a task must end as: the last value each owner wrote, unless its creator destroyed it. */
export interface IntendedTask {
  handle: string;
  creator: DeviceName;
  title: string;
  notes?: string;
  destroyed: boolean;
}

/**
 * What both users did, kept by the harness (never read back from the
 * library). Every value a device writes starts with the task's handle
 * ("A3:a7": task A3, written by A, its 7th write), so a record is known on
 * the server and on each device whatever id it has at the time.
 */
export class SharedIntent {
  readonly tasks = new Map<string, IntendedTask>();

  created(handle: string, creator: DeviceName, title: string, notes: string | undefined): void {
    this.tasks.set(handle, { handle, creator, title, notes, destroyed: false });
  }

  /** The owner of the field (A: title, B: notes) wrote `value`. */
  wrote(handle: string, device: DeviceName, value: string): void {
    const task = this.tasks.get(handle);
    if (!task) return;
    if (device === "A") task.title = value;
    else task.notes = value;
  }

  destroyed(handle: string, device: DeviceName): void {
    const task = this.tasks.get(handle);
    if (task && task.creator === device) task.destroyed = true;
  }

  creatorOf(handle: string): DeviceName | undefined {
    return this.tasks.get(handle)?.creator;
  }

  destroyedBy(handle: string, device: DeviceName): boolean {
    const task = this.tasks.get(handle);
    return !!task && task.destroyed && task.creator === device;
  }

  /** The handle a record's values carry ("?" and the title when none does). */
  handleOf(record: { title?: unknown; notes?: unknown }): string {
    for (const value of [record.title, record.notes]) {
      const match = /^([AB]\d+):/.exec(String(value ?? ""));
      if (match) return match[1];
    }
    return `?${String(record.title)}`;
  }

  /** Tasks that must exist at the end. */
  kept(): IntendedTask[] {
    return [...this.tasks.values()].filter((t) => !t.destroyed);
  }
}

import { List } from "./list-model";
import { Task } from "./task-model";

/** How long a pull the user asked for shows as under way, at least (the pill's "Connecting…" after Try now is as long). */
const ASKED_SHOWN_MS = 800;

/**
 * Pulls the server's lists and tasks into the local records. Local data is
 * shown first (see main.ts); this catches up with changes made elsewhere.
 * Pulls never overwrite unsent local edits (atmos2 guarantees that).
 */
export class RemoteSync {
  private running?: Promise<void>;
  private again = false;
  private awaited = false;
  private listeners: Array<(pulling: boolean) => void> = [];
  /** When the last pull of everything completed (ms since the epoch), for the Sync panel. */
  lastPullAt?: number;
  /** Why the last pull failed, when it did (cleared by the next good one). */
  lastPullError?: string;

  /** Pulls the user asked for (Sync now) whose "Syncing…" is still shown (see `pullAsked`). */
  private asked = 0;

  get pulling(): boolean {
    return !!this.running || this.asked > 0;
  }

  /**
   * A pull the user asked for ("Sync now"): it shows as under way for
   * ASKED_SHOWN_MS at least. A quick server answered in about 70 ms, and the
   * tap looked ignored.
   */
  async pullAsked(): Promise<void> {
    this.asked++;
    this.emit();
    try {
      await Promise.all([this.pullAll(), new Promise((resolve) => setTimeout(resolve, ASKED_SHOWN_MS))]);
    } finally {
      this.asked--;
      this.emit();
    }
  }

  /**
   * Whether the page still waits for the server's first answer: a pull of
   * everything is coming or under way, and none has ended yet. Until then an
   * empty list of lists or tasks says "Loading", not "No lists yet": on a
   * new device the user's lists are on their way.
   */
  get loading(): boolean {
    return this.awaited && this.lastPullAt === undefined && this.lastPullError === undefined;
  }

  /** A pull of everything is coming (once the page has shown its local data). */
  expectPull(): void {
    this.awaited = true;
    this.emit();
  }

  onChange(fn: (pulling: boolean) => void): void {
    this.listeners.push(fn);
  }

  /** Pulls everything; a call during a pull runs one more pull after it. */
  pullAll(): Promise<void> {
    this.awaited = true;
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.run().finally(() => {
      this.running = undefined;
      this.emit();
      if (this.again) {
        this.again = false;
        void this.pullAll();
      }
    });
    this.emit();
    return this.running;
  }

  /** Pulls the tasks of one list (changes only, after the first time). */
  pullTasks(list: List): Promise<unknown> {
    // A list the server has not created yet has no tasks there either.
    if (list.syncState() !== "synced") return Promise.resolve();
    // Hidden tasks too: Google hides a task completed in its own apps, which still show it.
    return Task.sync({ remote: true, pathParams: { taskListID: list.id }, since: "auto", params: { showHidden: true } });
  }

  private async run(): Promise<void> {
    try {
      // remove: lists deleted on another device disappear here too.
      await List.sync({ remote: true, remove: true });
      await Promise.all(List.all<List>().map((list) => this.pullTasks(list)));
      this.lastPullAt = Date.now();
      this.lastPullError = undefined;
    } catch (error) {
      // Offline or refused: atmos2 has already emitted offline/error/auth_fail,
      // which the status pill shows; local data stays as it is.
      this.lastPullError = (error as Error)?.message ?? String(error);
    }
  }

  private emit(): void {
    for (const fn of this.listeners) fn(this.pulling);
  }
}

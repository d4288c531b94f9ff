import type { Page } from "playwright-core";

declare const Note: any;

/**
 * A page whose one model, Note, is kept in the IndexedDB database
 * `database`, local only: nothing but storage can bring a record back.
 * `loaded` resolves once its notes are read.
 */
export function notesPage(title: string, database: string): string {
  return `<!doctype html>
<meta charset="utf-8">
<title>atmos2: ${title}</title>
<script src="/spine.js"></script>
<script src="/atmos2.js"></script>
<script src="/atmos2-indexeddb.js"></script>
<script>
  var Note = Spine.Model.sub();
  Note.configure("Note", "title", "body");
  Note.extend(Spine.Model.Atmosphere);
  var atmos = new Atmos({ store: new Atmos.IndexedDBStore(${JSON.stringify(database)}) });
  var loaded = Note.sync();
</script>
`;
}

/** In `tab`: 3,000 notes titled "many `many`" saved (their transaction takes a while), then `notes` in a batch of their own. */
export function saveBehindLargeWrite(tab: Page, many: string, notes: Array<Record<string, string>>): Promise<void> {
  return tab.evaluate(
    async ([m, ns]) => {
      for (let i = 0; i < 3000; i++) new Note({ id: "n" + i, title: "many " + m, body: "x".repeat(200) }).save();
      await new Promise((resolve) => setTimeout(resolve, 0));
      for (const n of ns) new Note(n).save();
    },
    [many, notes] as const,
  );
}

/** Whether `tab` shows a note titled `title` within `timeoutMs`. */
export function showsNote(tab: Page, title: string, timeoutMs: number): Promise<boolean> {
  return tab.waitForFunction((t) => Note.all().some((n: any) => n.title === t), title, { timeout: timeoutMs }).then(
    () => true,
    () => false,
  );
}

import { expect } from "chai";
import { twoTabsSuite } from "./tabs-site";

// One model with two fields, one Atmos per tab.
const page = `<!doctype html>
<meta charset="utf-8">
<title>atmos2: one note edited in two tabs</title>
<script src="/spine.js"></script>
<script src="/atmos2.js"></script>
<script src="/atmos2-indexeddb.js"></script>
<script>
  var Note = Spine.Model.sub();
  Note.configure("Note", "title", "body");
  Note.extend(Spine.Model.Atmosphere);
  var atmos = location.search.indexOf("store=indexeddb") >= 0 ? new Atmos({ store: new Atmos.IndexedDBStore("edits-at-once") }) : new Atmos();
  atmos.resourceClient.base = location.origin + "/api";
  var loaded = Note.sync();
  function shown() { return Note.all().map(function (n) { return [n.title, n.body, n.syncState()]; }); }
</script>
`;

declare const Note: any;
declare const atmos: any;
declare function shown(): unknown[];

/**
 * A user with the app open in two tabs changes one note in both at about
 * the same moment (a few milliseconds apart: each tab writes before it hears
 * of the other's write). Both changes end on the server and in both tabs,
 * whichever tab sends, and whether the first request is answered before or
 * after the second tab's write.
 */
for (const store of ["localStorage", "indexeddb"]) describe(`one note changed in two tabs at the same moment (Chromium, ${store})`, function () {
  this.timeout(30_000);
  const tabs = twoTabsSuite(page, `store=${store}`);
  let id: string;

  beforeEach(async () => {
    await tabs.sender.evaluate(() => {
      new Note({ title: "Groceries", body: "milk" }).save({ remote: true });
      return atmos.whenSynced();
    });
    id = String(tabs.site.rows.notes[0].id);
    await tabs.other.waitForFunction((id) => Note.exists(id) && Note.find(id).syncState() === "synced", id);
  });

  /** Runs `change` in both tabs at once, then waits until both have sent and shown the same. */
  async function atOnce(inSender: (id: string) => void, inOther: (id: string) => void): Promise<unknown[]> {
    await Promise.all([tabs.sender.evaluate(inSender, id), tabs.other.evaluate(inOther, id)]);
    await Promise.all([tabs.sender.evaluate(() => atmos.whenSynced()), tabs.other.evaluate(() => atmos.whenSynced())]);
    const settled = () => Promise.all([tabs.sender.evaluate(() => JSON.stringify(shown())), tabs.other.evaluate(() => JSON.stringify(shown()))]);
    for (let tries = 0; tries < 50; tries++) {
      const [a, b] = await settled();
      if (a === b && !a.includes("pending")) return JSON.parse(a);
      await tabs.sender.waitForTimeout(100);
    }
    const [a, b] = await settled();
    throw new Error(`the tabs never showed the same: sending tab ${a}, other tab ${b}`);
  }
  const rename = (id: string) => Note.find(id).updateAttributes({ title: "Groceries for Sunday" }, { remote: true });
  const rewrite = (id: string) => Note.find(id).updateAttributes({ body: "oat milk" }, { remote: true });

  for (const delayMs of [0, 150]) {
    it(`keeps the title changed in the sending tab and the body changed in the other (answers after ${delayMs} ms)`, async () => {
      tabs.site.delayMs = delayMs;
      const shownAtEnd = await atOnce(rename, rewrite);
      expect(tabs.site.rows.notes).to.deep.equal([{ title: "Groceries for Sunday", body: "oat milk", id: Number(id) }]);
      expect(shownAtEnd).to.deep.equal([["Groceries for Sunday", "oat milk", "synced"]]);
    });
  }

  it("keeps both when the other tab changes the title and the sending tab the body", async () => {
    tabs.site.delayMs = 50;
    const shownAtEnd = await atOnce(rewrite, rename);
    expect(tabs.site.rows.notes).to.deep.equal([{ title: "Groceries for Sunday", body: "oat milk", id: Number(id) }]);
    expect(shownAtEnd).to.deep.equal([["Groceries for Sunday", "oat milk", "synced"]]);
  });

  it("keeps every keystroke typed in the tab that does not send (a save per keystroke, answers after 30 ms)", async () => {
    tabs.site.delayMs = 30;
    await tabs.other.evaluate(async (id) => {
      for (const letter of "oat milk") {
        const note = Note.find(id);
        note.updateAttributes({ body: note.body + letter }, { remote: true });
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }, id);
    const shownAtEnd = await atOnce(() => undefined, () => undefined);
    expect(tabs.site.rows.notes).to.deep.equal([{ title: "Groceries", body: "milkoat milk", id: Number(id) }]);
    expect(shownAtEnd).to.deep.equal([["Groceries", "milkoat milk", "synced"]]);
  });

  // Found by a data-loss hunt: after the system clock stepped back, an edit
  // the other tab made after it had shown the sending tab's edit of the same
  // field was stamped earlier than that one, and lost to it in both tabs,
  // never sent. An edit is stamped later than every edit of the field the
  // tab has seen, whatever the clock says.
  for (const edits of ["sent", "made offline"] as const) {
    it(`keeps the later edit of a field when the clock stepped back between the two tabs' edits (${edits})`, async () => {
      if (edits === "made offline") await tabs.context.setOffline(true);
      await tabs.sender.evaluate((id) => Note.find(id).updateAttributes({ title: "Groceries (tab A)" }, { remote: true }), id);
      await tabs.other.waitForFunction((id) => Note.find(id).title === "Groceries (tab A)", id);
      // The system clock steps back 2 s, in every tab at once.
      for (const tab of [tabs.sender, tabs.other]) await tab.evaluate(() => {
        const real = Date.now;
        Date.now = () => real() - 2000;
      });
      await tabs.other.evaluate((id) => Note.find(id).updateAttributes({ title: "Groceries (tab B, later)" }, { remote: true }), id);
      if (edits === "made offline") await tabs.context.setOffline(false);
      await tabs.sender.evaluate(() => atmos.push());
      const shownAtEnd = await atOnce(() => undefined, () => undefined);
      expect(tabs.site.rows.notes).to.deep.equal([{ title: "Groceries (tab B, later)", body: "milk", id: Number(id) }]);
      expect(shownAtEnd).to.deep.equal([["Groceries (tab B, later)", "milk", "synced"]]);
    });
  }

  it("deletes the note everywhere when one tab destroys it as the other edits it", async () => {
    tabs.site.delayMs = 50;
    const shownAtEnd = await atOnce(rename, (id) => Note.find(id).destroy({ remote: true }));
    expect(tabs.site.rows.notes).to.deep.equal([]);
    expect(shownAtEnd).to.deep.equal([]);
  });
});

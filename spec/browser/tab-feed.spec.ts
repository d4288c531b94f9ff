import { expect } from "chai";
import Spine from "spine";
import { Atmos, WebStorageStore } from "../../lib";
import { defaultFeed, storageEventFeed, type ChangeFeed } from "../../lib/store/change-feed";

class FeedNote extends Spine.Model {
  declare title: string;
}
FeedNote.configure("FeedNote", "title");
FeedNote.extend((Spine.Model as any).Atmosphere);

/**
 * Another tab of the app, as far as storage is concerned: a same-origin
 * frame shares this page's localStorage, and its writes reach this page as
 * `storage` events, exactly as another tab's do.
 */
function otherTab(): { storage: Storage; close(): void } {
  const frame = document.createElement("iframe");
  document.body.appendChild(frame);
  return { storage: frame.contentWindow!.localStorage, close: () => frame.remove() };
}

/** Every key the feed hands on from now, and a wait for a condition on them. */
function heard(feed: ChangeFeed) {
  const keys: string[] = [];
  feed.subscribe((batch) => keys.push(...batch));
  const until = async (done: (keys: string[]) => boolean, ms = 2000) => {
    const end = Date.now() + ms;
    while (!done(keys) && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 20));
    return keys;
  };
  return { keys, until };
}

describe("other tabs' writes to localStorage, from the browser's storage event", () => {
  const prefix = "atmos2-feed:";
  let tab: ReturnType<typeof otherTab>;
  let feed: ChangeFeed | undefined;

  beforeEach(() => {
    for (const key of Object.keys(localStorage)) if (key.startsWith(prefix)) localStorage.removeItem(key);
    tab = otherTab();
  });
  afterEach(() => {
    feed?.close();
    feed = undefined;
    tab.close();
  });

  it("hands on the record keys another tab wrote or removed, and no other keys", async () => {
    feed = storageEventFeed(localStorage, `${prefix}rec:`);
    const log = heard(feed);
    tab.storage.setItem(`${prefix}rec:FeedNote:a`, "{}");
    tab.storage.setItem(`${prefix}lease`, "{}");
    tab.storage.setItem(`${prefix}rec:FeedNote:b`, "{}");
    tab.storage.removeItem(`${prefix}rec:FeedNote:a`);
    tab.storage.setItem(`${prefix}rec:FeedNote:end`, "{}");
    const keys = await log.until((k) => k.includes(`${prefix}rec:FeedNote:end`));
    expect(new Set(keys)).to.deep.equal(new Set([`${prefix}rec:FeedNote:a`, `${prefix}rec:FeedNote:b`, `${prefix}rec:FeedNote:end`]));
  });

  it("does not report this tab's own writes, nor anything after close()", async () => {
    feed = storageEventFeed(localStorage, `${prefix}rec:`);
    const log = heard(feed);
    localStorage.setItem(`${prefix}rec:FeedNote:mine`, "{}");
    tab.storage.setItem(`${prefix}rec:FeedNote:theirs`, "{}");
    await log.until((k) => k.includes(`${prefix}rec:FeedNote:theirs`));
    expect(log.keys).not.to.include(`${prefix}rec:FeedNote:mine`);
    feed.close();
    const after = heard(feed);
    tab.storage.setItem(`${prefix}rec:FeedNote:later`, "{}");
    expect(await after.until((k) => k.length > 0, 300)).to.deep.equal([]);
  });

  it("tells another Atmos on the same page (which gets no storage event) what this one wrote", async () => {
    feed = storageEventFeed(localStorage, `${prefix}rec:`);
    const other = storageEventFeed(localStorage, `${prefix}rec:`);
    const elsewhere = storageEventFeed(localStorage, "another-app:rec:");
    try {
      const mine = heard(feed);
      const theirs = heard(other);
      const unrelated = heard(elsewhere);
      feed.publish([`${prefix}rec:FeedNote:same-page`]);
      expect(await theirs.until((k) => k.length > 0)).to.deep.equal([`${prefix}rec:FeedNote:same-page`]);
      expect(mine.keys).to.deep.equal([]);
      expect(unrelated.keys).to.deep.equal([]);
    } finally {
      other.close();
      elsewhere.close();
    }
  });

  it("is the feed an Atmos on the page's localStorage uses by default", async () => {
    feed = defaultFeed(new WebStorageStore(localStorage), prefix);
    const log = heard(feed);
    tab.storage.setItem(`${prefix}rec:FeedNote:c`, "{}");
    expect(await log.until((k) => k.includes(`${prefix}rec:FeedNote:c`))).to.include(`${prefix}rec:FeedNote:c`);
  });

  it("shows a record another tab saved in this tab's Spine model", async () => {
    FeedNote.deleteAll();
    const atmos = new Atmos({ storage: localStorage, prefix });
    try {
      await atmos.metaContext.ready;
      const shown = new Promise<void>((resolve) => FeedNote.one("create", () => resolve()));
      const entry = { className: "FeedNote", id: "from-tab", attrs: { id: "from-tab", title: "written elsewhere" }, acked: true, queue: [] };
      tab.storage.setItem(`${prefix}rec:FeedNote:from-tab`, JSON.stringify(entry));
      await shown;
      expect(FeedNote.find("from-tab").title).to.equal("written elsewhere");
    } finally {
      atmos.close();
      FeedNote.deleteAll();
    }
  });
});

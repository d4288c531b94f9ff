import { expect } from "chai";
import "../../../lib/live";
import { models, Task } from "../models";
import { openLivePage, type LivePage } from "./live-page";
import { nextEvent } from "./offline-page";

/**
 * The app pulls (`Task.sync({ remote: true })`); the server reads its rows,
 * and before its answer arrives another device changes a task and creates
 * one, and the live news of both is applied here. The pull's rows are older
 * than that news: they put the old title back, for good, and with `remove:
 * true` removed the new task from the page and storage (found by an outside
 * review). News applied while a pull is out counts as newer than it, as this
 * tab's own answers do.
 */
describe("offline: live news applied while a pull is out", () => {
  let stage: LivePage;

  beforeEach(async () => {
    stage = await openLivePage([{ title: "milk" }]);
  });
  afterEach(() => stage.close());

  /** The pull's answer is held here, after the server has read its rows, until `release()`. */
  function holdPullAnswers(): { read: Promise<void>; release(): void } {
    const rc = stage.page.atmos.resourceClient;
    const transport = rc.fetch;
    let read!: () => void;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const answered = new Promise<void>((resolve) => (read = resolve));
    rc.fetch = async (url, init) => {
      const answer = await transport(url, init);
      if (init.method !== "GET") return answer;
      read();
      await held;
      return answer;
    };
    return { read: answered, release };
  }

  /** Another device's changes, published live and applied here. */
  async function otherDevice(change: () => Promise<unknown>, count: number): Promise<void> {
    const { api, live, page } = stage;
    const before = api.published.length;
    await change();
    for (let i = 0; i < count; i++) {
      const applied = nextEvent(page.atmos, "live:change");
      const { channel, change: news } = api.published[before + i];
      await live.live.hub.publish(channel, [news]);
      await applied;
    }
  }

  for (const remove of [false, true]) {
    it(`keeps the newer news, not the pull's older rows${remove ? ", and removes nothing it brought (remove: true)" : ""}`, async () => {
      const { client, listId, page } = stage;
      const milk = stage.tasks[0];
      const pull = holdPullAnswers();
      const pulled = models.Task.sync({ remote: true, remove, pathParams: { taskListID: listId } });
      await pull.read;
      let eggs = "";
      await otherDevice(async () => {
        expect((await client.call("PATCH", `/lists/${listId}/tasks/${milk.id}`, { title: "oat milk" })).status).to.equal(200);
        eggs = (await client.createTask(listId, { title: "eggs" })).id;
      }, 2);
      expect(Task.all().map((task) => task.title).sort(), "the page, with the news").to.deep.equal(["eggs", "oat milk"]);

      pull.release();
      await pulled;
      expect(Task.all().map((task) => task.title).sort(), "the page, after the pull").to.deep.equal(["eggs", "oat milk"]);
      expect(Task.exists(eggs), "the new task").to.not.equal(false);
      await page.reload();
      expect(Task.all().map((task) => task.title).sort(), "storage, after a reload").to.deep.equal(["eggs", "oat milk"]);
    });
  }
});

import { expect } from "chai";
import Spine from "spine";
import "spine/lib/relation";
import { Atmos } from "../../../lib";
import { MemoryStorage } from "../../fakes/memory-storage";
import { reloadPage } from "./page-reload";
import { forgetInMemory } from "./twin-models";

/**
 * Found by a Spine user trying the packed package: Spine's relation
 * `list.tasks([...])` (Collection#refresh) replaces a list's tasks. Spine
 * takes the old ones out of its memory without an event, then refreshes
 * the new ones in. atmos2 stored the new tasks and kept the old ones, so
 * after a reload the replaced tasks were back beside the new ones.
 */
class ColList extends Spine.Model {
  declare title: string;
  declare tasks: (values?: unknown) => { all(): any[]; create(attrs: object, options?: object): any };
}
ColList.configure("ColList", "title");
ColList.extend(Spine.Model.Atmosphere as object);

class ColTask extends Spine.Model {
  declare title: string;
  declare list_id: string;
}
ColTask.configure("ColTask", "title", "list_id");
ColTask.extend(Spine.Model.Atmosphere as object);
(ColList as any).hasMany("tasks", ColTask, "list_id");

const titles = (records: Array<{ title: string }>) => records.map((r) => r.title).sort();

describe("list.tasks([...]) replacing a list's tasks (Spine relation's Collection#refresh)", () => {
  let storage: MemoryStorage;
  let atmos: Atmos;

  beforeEach(async () => {
    forgetInMemory(ColList);
    forgetInMemory(ColTask);
    storage = new MemoryStorage();
    atmos = new Atmos({ storage });
    await atmos.metaContext.ready;
  });
  afterEach(() => atmos.close());

  it("after a reload shows the tasks Spine showed: the replaced ones stay gone", async () => {
    const list = ColList.create({ title: "Groceries" }) as ColList;
    list.tasks().create({ title: "old milk" });
    list.tasks().create({ title: "old bread" });
    list.tasks([{ title: "milk" }, { title: "eggs" }]);
    expect(titles(ColTask.all())).to.deep.equal(["eggs", "milk"]);

    atmos = await reloadPage(atmos, storage, [ColList, ColTask]);

    expect(titles(ColTask.all())).to.deep.equal(["eggs", "milk"]);
    expect(titles(ColList.find(list.id).tasks().all())).to.deep.equal(["eggs", "milk"]);
  });

  it("keeps the tasks of other lists, and a replaced task that comes back with its id keeps the new data", async () => {
    const home = ColList.create({ title: "Home" }) as ColList;
    const work = ColList.create({ title: "Work" }) as ColList;
    const kept = home.tasks().create({ title: "old title" });
    home.tasks().create({ title: "dropped" });
    work.tasks().create({ title: "report" });
    home.tasks([{ id: kept.id, title: "new title" }]);

    atmos = await reloadPage(atmos, storage, [ColList, ColTask]);

    expect(titles(ColList.find(home.id).tasks().all())).to.deep.equal(["new title"]);
    expect(titles(ColList.find(work.id).tasks().all())).to.deep.equal(["report"]);
    expect(ColTask.find(kept.id).title).to.equal("new title");
  });
});

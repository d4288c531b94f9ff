import { expect } from "chai";
import $ from "jquery";
import Spine from "spine";
import { Atmos } from "../../lib";
import "./support/spine-jquery";
import "spine/lib/ajax";
import "spine/lib/relation";

/**
 * A Spine app moving to atmos2 that keeps `Task.extend(Spine.Model.Ajax)`:
 * Spine Ajax sends every save, and atmos2 sends the remote ones too, so one
 * `create({ remote: true })` made two records on the server, with no word
 * (found by a Spine user trying the packed package). A save both would send
 * is a programmer error: it throws before anything is stored or sent.
 */
describe("a model extended with both Spine.Model.Ajax and Spine.Model.Atmosphere", () => {
  let atmos: Atmos;
  let jqueryRequests: string[];
  let atmosRequests: string[];
  const onAjaxSend = (_event: unknown, _xhr: unknown, settings: { type: string; url: string }) => jqueryRequests.push(`${settings.type} ${settings.url}`);

  /** A model named `name`, extended in the order given; Spine Ajax sends to an address no server answers on. */
  function model(name: string, order: "ajax first" | "atmosphere first"): any {
    class Item extends Spine.Model {}
    Item.configure(name, "title");
    const mixins = [(Spine.Model as any).Ajax, (Spine.Model as any).Atmosphere];
    for (const mixin of order === "ajax first" ? mixins : mixins.reverse()) Item.extend(mixin);
    (Item as any).url = "/no-such-api/items";
    return Item;
  }

  beforeEach(() => {
    localStorage.clear();
    jqueryRequests = [];
    atmosRequests = [];
    $(document).on("ajaxSend", onAjaxSend);
    atmos = new Atmos();
    atmos.resourceClient.base = `${location.origin}/no-such-api`;
    atmos.resourceClient.fetch = (url, init) => (atmosRequests.push(`${init.method} ${url}`), Promise.reject(new TypeError("no network in this spec")));
  });
  afterEach(() => {
    $(document).off("ajaxSend", onAjaxSend);
    atmos.close();
  });

  for (const order of ["ajax first", "atmosphere first"] as const) {
    it(`refuses save({ remote: true }) before anything is stored or sent (${order}), naming what to remove`, () => {
      const Item = model(`AjaxTwin${order === "ajax first" ? "A" : "B"}`, order);
      const name = Item.className;
      expect(() => Item.create({ title: "Milk" }, { remote: true })).to.throw(
        `atmos2: ${name} is extended with both Spine.Model.Ajax and Spine.Model.Atmosphere, so both would send this save to the server (a create twice). Remove ${name}.extend(Spine.Model.Ajax): atmos2 sends the changes itself`,
      );
      expect(Item.count()).to.equal(0);
      expect(jqueryRequests).to.deep.equal([]);
      expect(atmosRequests).to.deep.equal([]);
    });
  }

  it("refuses destroy({ remote: true }) too, and keeps the record", () => {
    const Item = model("AjaxTwinC", "ajax first");
    const item = Item.create({ title: "Milk" }, { ajax: false });
    expect(() => item.destroy({ remote: true })).to.throw(/extended with both Spine\.Model\.Ajax and Spine\.Model\.Atmosphere/);
    expect(Item.exists(item.id)).to.equal(true);
    expect(jqueryRequests).to.deep.equal([]);
  });

  // Found by a Spine user's review: a plain save, sent by Spine Ajax at once,
  // was queued here too, and push() sent it again (two records on the server).
  it("leaves a plain save to Spine Ajax: kept here, sent once, and push() sends nothing", async () => {
    const Item = model("AjaxTwinD", "atmosphere first");
    Item.create({ title: "Milk" });
    expect(Item.count()).to.equal(1);
    expect(atmos.outbox()).to.deep.equal([]);
    await atmos.push();
    expect(jqueryRequests).to.deep.equal(["POST /no-such-api/items"]);
    expect(atmosRequests).to.deep.equal([]);
  });
  // Found by reading relation-keys: a relation to such a model counted as a
  // foreign key, so a child waited for a server id atmos2 never asks for,
  // and was never sent.
  it("sends a child whose belongsTo points at such a model at once, with the key as it is", async () => {
    const Item = model("AjaxTwinE", "atmosphere first");
    class Note extends Spine.Model {}
    Note.configure("AjaxTwinNote", "body", "item_id");
    Note.extend((Spine.Model as any).Atmosphere);
    (Note as any).belongsTo("item", Item, "item_id");
    (Note as any).url = "/notes";
    const sent: Record<string, unknown>[] = [];
    atmos.resourceClient.fetch = async (url, init) => {
      atmosRequests.push(`${init.method} ${url}`);
      const body = JSON.parse(String(init.body));
      sent.push(body);
      return new Response(JSON.stringify({ ...body, id: 70 }), { status: 201, headers: { "Content-Type": "application/json" } });
    };
    const item = Item.create({ title: "Milk" }, { ajax: false });
    Note.create({ body: "2 litres", item_id: item.id }, { remote: true });
    await atmos.push();
    expect(atmosRequests).to.deep.equal([`POST ${location.origin}/no-such-api/notes`]);
    expect(sent[0]).to.include({ item_id: item.id });
    expect(atmos.outbox()).to.deep.equal([]);
  });
});

import { expect } from "chai";
import { encodeForm, encodeQuery } from "../../../lib/sync/form-coding";
import { parseRailsParams } from "../../servers/rails-params";

describe("form coding", () => {
  it("nests attributes under the root the Rails way", () => {
    expect(encodeForm({ title: "Milk & eggs", done: false }, "task")).to.equal("task%5Btitle%5D=Milk%20%26%20eggs&task%5Bdone%5D=false");
  });

  it("sends arrays as repeated `[]` keys and objects as nested keys, which Rails reads back", () => {
    const body = encodeForm({ title: "a", tags: ["x", "y"], meta: { color: "red", size: { w: 1 } } }, "task_list");
    expect(parseRailsParams(body)).to.deep.equal({ task_list: { title: "a", tags: ["x", "y"], meta: { color: "red", size: { w: "1" } } } });
  });

  it("keeps an empty array as an empty `[]` key and a null as an empty value", () => {
    expect(encodeForm({ tags: [], due: null }, "task")).to.equal("task%5Btags%5D%5B%5D=&task%5Bdue%5D=");
  });

  // An emptied object sent nothing, so a Rails scaffold kept the old settings and its answer put them back on the page.
  it("sends an emptied object as an empty value, as a null, so the server clears it too", () => {
    expect(encodeForm({ title: "a", meta: {} }, "task")).to.equal("task%5Btitle%5D=a&task%5Bmeta%5D=");
    expect(encodeForm({ meta: { inner: {} } }, "task")).to.equal("task%5Bmeta%5D%5Binner%5D=");
  });

  it("refuses text cut in the middle of a character, naming the field (JSON can carry it, a form body cannot)", () => {
    const cut = "\ud83d";
    expect(() => encodeForm({ title: "ok", notes: `tea ${cut}` }, "task")).to.throw(/task\[notes\].*half a character/);
  });

  it("sends flat keys without a root", () => {
    expect(parseRailsParams(encodeForm({ title: "a", tags: ["x"] }))).to.deep.equal({ title: "a", tags: ["x"] });
  });

  it("writes dates as ISO 8601", () => {
    expect(encodeForm({ due: new Date(Date.UTC(2024, 0, 2)) })).to.equal("due=2024-01-02T00%3A00%3A00.000Z");
  });

  it("puts query params flat, repeating arrays and skipping empty values", () => {
    expect(encodeQuery({ showCompleted: true, ids: [1, 2], none: undefined, nil: null })).to.equal("showCompleted=true&ids=1&ids=2");
    expect(encodeQuery(undefined)).to.equal("");
  });

  it("drops the [] of repeated keys only, never from a value", () => {
    expect(encodeQuery({ q: "[]", ids: ["[]", 2], filter: { tags: ["x"] } })).to.equal("q=%5B%5D&ids=%5B%5D&ids=2&filter%5Btags%5D=x");
  });
});

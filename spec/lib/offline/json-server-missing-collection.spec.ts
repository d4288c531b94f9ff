import { expect } from "chai";
import { Project, Todo } from "../models";
import { jsonServerPage, railsPage, recordEvents } from "./offline-page";

/**
 * Found by a new user following the README's json-server setup with a model
 * its db.json had no collection for: the create was parked with "answered
 * 404: HTTP 404" and nothing more. A create answered 404 with no parent in
 * its path says where to look.
 */
describe("offline: a create json-server answers 404 (no such collection in db.json)", () => {
  const fixture = jsonServerPage();

  it("is parked, kept here, with a message saying to check the base and the routes", async () => {
    const { page } = fixture;
    const errors = recordEvents(page.atmos, "error");
    const project = new Project({ name: "nowhere to go" });
    project.save({ remote: true });
    await page.atmos.whenSynced();

    expect(errors.map((e) => [e.status, e.type])).to.deep.equal([[404, "http"]]);
    expect(errors[0].error.message).to.match(/^Project POST \S+\/projects answered 404: .*; the server has nothing at this address to create Project records in: check resourceClient.base and the routes, then atmos.retry\(record\)$/);
    expect((Project.find(project.id) as unknown as { syncState(): string }).syncState()).to.equal("failed");
  });
});

/**
 * A framework's own "not found" page (Express's "Cannot POST …", Rails's
 * routing error) already says to check the base and the routes; the create's
 * hint then only adds what to do after. It said it twice.
 */
describe("offline: a create answered with an HTML 'not found' page", () => {
  const fixture = railsPage();

  it("says where to look once, and how to send it again", async () => {
    const { page, rails } = fixture;
    rails.failNext(404, "<!DOCTYPE html><html><body><pre>Cannot POST /todoz</pre></body></html>", "text/html; charset=utf-8");
    const errors = recordEvents(page.atmos, "error");
    new Todo({ title: "Milk" }).save({ remote: true });
    await page.atmos.whenSynced();

    expect(errors.map((e) => [e.status, e.retrying])).to.deep.equal([[404, false]]);
    const message = errors[0].error.message;
    expect(message).to.match(/^Todo POST \S+ answered 404: .*Cannot POST \/todoz.*; check resourceClient\.base and the routes, then atmos\.retry\(record\)$/);
    expect(message.split("check resourceClient.base").length - 1, message).to.equal(1);
  });
});

import { expect } from "chai";
import { Project } from "../models";
import { jsonServerPage, recordEvents } from "./offline-page";

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

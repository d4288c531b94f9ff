import { expect } from "chai";
import { checkToken } from "../../example/src/sign-in-form";
import { startTasksTestServer, type TasksTestServer } from "../servers/tasks-test-server";

/** What the sign-in form tells the person after asking the real API about their token (the form itself: sign-in.spec.ts). */
describe("Tasks example: checking a token at sign-in", () => {
  let server: TasksTestServer;
  afterEach(() => server.close({ removeFile: true }));

  it("accepts the right token and says a wrong one was not accepted", async () => {
    server = await startTasksTestServer({ token: "the-right-token" });
    expect(await checkToken(server.base, "the-right-token")).to.deep.equal({ ok: true });
    expect(await checkToken(server.base, "a-typo")).to.deep.equal({ ok: false, message: "This token was not accepted. Check it and try again." });
  });

  it("says how long to wait once too many wrong tokens came from this network, instead of 'answered 429'", async () => {
    server = await startTasksTestServer({ token: "the-right-token", maxAuthFailures: 2 });
    await checkToken(server.base, "typo-1");
    await checkToken(server.base, "typo-2");
    const check = await checkToken(server.base, "the-right-token");
    expect(check).to.deep.equal({ ok: false, message: "Too many wrong tokens were tried from this network. Wait 60 s, then try again." });
  });
});

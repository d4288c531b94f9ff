import { expect } from "chai";
import { ManualConnectivity } from "../../../lib";
import { FakeClock, settle } from "../../fakes/fake-clock";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { tasksClient } from "../../servers/tasks-client";
import { List, resetModels } from "../models";
import { nextEvent, openPage, recordEvents, type OfflinePage } from "./offline-page";

/** Issue 6, "401": an expired token holds every change until the app has a new one and calls resume(). */
describe("offline: a 401 pauses sending until atmos.resume()", () => {
  let api: TasksTestServer;
  let page: OfflinePage;
  let clock: FakeClock;
  let connectivity: ManualConnectivity;

  beforeEach(async () => {
    resetModels();
    api = await startTasksTestServer();
    clock = new FakeClock();
    connectivity = new ManualConnectivity();
    page = openPage({ base: api.base, token: "expired-token", clock, connectivity });
  });
  afterEach(async () => {
    page.close();
    await api.close({ removeFile: true });
  });

  const serverTitles = async () => (await tasksClient(api).all("/users/@me/lists")).map((l) => l.title);
  const listRequests = () => api.requests.filter((r) => r.path.endsWith("/lists") && r.method === "POST").length;

  it("emits auth_fail and sends nothing more, whatever happens, until resume()", async () => {
    const authFail = nextEvent(page.atmos, "auth_fail");
    new List({ title: "first" }).save({ remote: true });
    const payload = await authFail;
    expect(payload).to.include({ model: "List", status: 401 });
    await settle();
    expect(listRequests()).to.equal(1);

    new List({ title: "second" }).save({ remote: true });
    await page.atmos.push();
    connectivity.set(true);
    await clock.advance(10 * 60_000);
    await settle();
    expect(listRequests()).to.equal(1);
    expect(page.atmos.status()).to.include({ inFlight: 0, failed: 0, pending: 2 });
    expect(List.all().map((l: any) => l.syncState())).to.deep.equal(["pending", "pending"]);

    page.atmos.resourceClient.removeHeader("Authorization");
    page.atmos.resourceClient.addHeader("Authorization", `Bearer ${api.token}`);
    page.atmos.resume();
    await page.atmos.whenSynced();
    expect(await serverTitles()).to.have.members(["first", "second"]);
    expect(page.atmos.status()).to.deep.equal({ pending: 0, inFlight: 0, failed: 0, online: true });
  });

  it("keeps whenSynced() waiting while sending is paused, and resolves it after resume()", async () => {
    const authFail = nextEvent(page.atmos, "auth_fail");
    new List({ title: "waiting" }).save({ remote: true });
    await authFail;
    let synced = false;
    const whenSynced = page.atmos.whenSynced().then(() => (synced = true));
    await clock.advance(60_000);
    await page.atmos.push();
    await settle();
    expect(synced).to.equal(false);

    page.atmos.resourceClient.removeHeader("Authorization");
    page.atmos.resourceClient.addHeader("Authorization", `Bearer ${api.token}`);
    page.atmos.resume();
    await whenSynced;
    expect(synced).to.equal(true);
    expect(await serverTitles()).to.deep.equal(["waiting"]);
  });

  it("does not park the held changes: they are not failed, and auth_success follows the first success", async () => {
    const success = recordEvents(page.atmos, "auth_success");
    const authFail = nextEvent(page.atmos, "auth_fail");
    new List({ title: "held" }).save({ remote: true });
    await authFail;
    await settle();
    expect(page.atmos.status().failed).to.equal(0);
    expect((List.first() as any).syncState()).to.equal("pending");
    page.atmos.resourceClient.removeHeader("Authorization");
    page.atmos.resourceClient.addHeader("Authorization", `Bearer ${api.token}`);
    page.atmos.resume();
    await page.atmos.whenSynced();
    expect(success).to.have.length(1);
    expect((List.first() as any).syncState()).to.equal("synced");
  });

  // Found by a new user of the Tasks example: after the server came back and
  // refused the token, the page still said it could not reach the server.
  it("counts a 401 as the server answering: online again (without auth_success) after it was unreachable", async () => {
    connectivity.set(false);
    await settle();
    expect(page.atmos.status().online, "offline to begin with").to.equal(false);
    const online = recordEvents(page.atmos, "online");
    const success = recordEvents(page.atmos, "auth_success");
    const authFail = nextEvent(page.atmos, "auth_fail");
    new List({ title: "refused" }).save({ remote: true });
    await page.atmos.push();
    await authFail;
    await settle();
    expect(page.atmos.status()).to.deep.equal({ pending: 1, inFlight: 0, failed: 0, online: true });
    expect(online).to.have.length(1);
    expect(success).to.deep.equal([]);
    expect(listRequests(), "still held until resume()").to.equal(1);
  });

  it("asks again after resume() when the token is still refused", async () => {
    const fails = recordEvents(page.atmos, "auth_fail");
    const first = nextEvent(page.atmos, "auth_fail");
    new List({ title: "still refused" }).save({ remote: true });
    await first;
    const second = nextEvent(page.atmos, "auth_fail");
    page.atmos.resume();
    await second;
    await settle();
    expect(fails).to.have.length(2);
    expect(listRequests()).to.equal(2);
    expect(page.atmos.status()).to.include({ pending: 1, failed: 0 });
  });
});

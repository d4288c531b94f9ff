import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../../example/server/start";
import { TestSocket } from "../../live/support/test-socket";
import { tasksClient } from "../../servers/tasks-client";

/** Issue 13, item 3: each account's live channel carries only its own changes. */
describe("npm start with TASKS_USERS: live updates per account", () => {
  const alice = { name: "alice", token: "alice-token-0123456789" };
  const bob = { name: "bob", token: "bob-token-0123456789ab" };
  let tmp: string;
  let started: Awaited<ReturnType<typeof main>>;
  let wsUrl: string;

  beforeEach(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-live-accounts-"));
    started = await main(
      { PORT: "0", DATA_DIR: tmp, TASKS_USERS: `${alice.name}:${alice.token},${bob.name}:${bob.token}`, LIVE_MAX_CONNECTIONS_PER_USER: "2" },
      () => {},
    );
    wsUrl = `ws://localhost:${started.app.port}/live`;
  });
  afterEach(async () => {
    await started.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const client = (token: string) => tasksClient({ base: `${started.app.url}/tasks/v1`, token });

  it("sends Alice her changes and Bob his, never the other's", async () => {
    const aliceLive = await TestSocket.ready(wsUrl, { token: alice.token });
    const bobLive = await TestSocket.ready(wsUrl, { token: bob.token });
    expect(aliceLive.messages[0]).to.deep.include({ type: "ready", channels: ["user:alice"] });
    const aliceList = await client(alice.token).createList("Alice's");
    const bobList = await client(bob.token).createList("Bob's");
    await client(alice.token).createTask(aliceList.id, { title: "Alice's task" });

    const forAlice = await aliceLive.changes(2);
    expect(forAlice.map((m) => [m.channel, m.change.collection, (m.change.attrs as { title: string }).title])).to.deep.equal([
      ["user:alice", "lists", "Alice's"],
      ["user:alice", "tasks", "Alice's task"],
    ]);
    const forBob = await bobLive.changes(1);
    expect(forBob[0].change).to.deep.include({ id: bobList.id });
    // Bob's socket has nothing else queued: a later change of his arrives next, not one of Alice's.
    await client(bob.token).createList("Bob's second");
    expect(((await bobLive.changes(1))[0].change.attrs as { title: string }).title).to.equal("Bob's second");
    await aliceLive.close();
    await bobLive.close();
  });

  it("refuses Bob a seat on Alice's channel (4403) and an unknown token (4401)", async () => {
    const intruder = await TestSocket.open(wsUrl);
    intruder.send({ type: "auth", token: bob.token, channels: ["user:alice"] });
    expect((await intruder.closed).code).to.equal(4403);
    const stranger = await TestSocket.open(wsUrl);
    stranger.send({ type: "auth", token: "not-anyones-token" });
    expect((await stranger.closed).code).to.equal(4401);
  });

  it("caps one account's sockets (LIVE_MAX_CONNECTIONS_PER_USER) without keeping the other out", async () => {
    const tabs = [await TestSocket.ready(wsUrl, { token: alice.token }), await TestSocket.ready(wsUrl, { token: alice.token })];
    const third = await TestSocket.open(wsUrl);
    third.send({ type: "auth", token: alice.token });
    expect((await third.closed).code).to.equal(1013);
    const bobLive = await TestSocket.ready(wsUrl, { token: bob.token });
    for (const socket of [...tabs, bobLive]) await socket.close();
  });
});

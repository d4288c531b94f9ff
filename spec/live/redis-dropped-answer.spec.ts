import { expect } from "chai";
import { liveOnProxiedRedis } from "./support/redis-server";
import { TestSocket } from "./support/test-socket";

/**
 * Found by a scale-out review: Redis ran the publish, then the connection
 * dropped before its answer came back. POST /update answered 503 "could not
 * publish", though every client had the change; the backend posted again,
 * as a 503 invites, and the change went out twice.
 */
describe("POST /update when Redis takes the change and the connection drops before its answer", function () {
  this.timeout(30_000);
  const world = liveOnProxiedRedis("commands");

  it("answers 503 saying the change may have been published, so that posting it again may send it twice", async () => {
    const { live, proxy } = world;
    const socket = await TestSocket.ready(live.wsUrl, { token: "t", channels: ["c"] });
    proxy.lagMs = 60_000;
    const answer = fetch(`${live.url}/update`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Atmos-Secret": "s" },
      body: JSON.stringify({ channel: "c", changes: [{ type: "updated", collection: "tasks", id: "1", attrs: { id: "1" } }] }),
    });
    // Published: the clients have it. Then the connection drops with the answer.
    const [got] = await socket.changes(1);
    expect(got.seq).to.equal(1);
    proxy.cut();
    const res = await answer;
    expect(res.status).to.equal(503);
    expect(res.headers.get("retry-after")).to.match(/^\d+$/);
    expect(((await res.json()) as { error: string }).error).to.match(/may have been published.*posting it again may send it twice/);
    proxy.lagMs = 0;
    await socket.close();
  });
});

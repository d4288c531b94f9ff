import { expect } from "chai";
import * as http from "http";
import { ClientClosedError, TimeoutError } from "redis";
import { LiveHub } from "../../../server/live/live-hub";
import { createUpdateEndpoint } from "../../../server/live/update-endpoint";
import { FailingChangeLog } from "../../fakes/failing-change-log";
import { listen, shutdown } from "../../servers/listen";

/**
 * Found by a soak run against Redis: the Redis client gives up on a command
 * it could not write in time with a TimeoutError whose message is empty, and
 * backends were answered "could not publish (): the change may have been
 * published …, so posting it again may send it twice", though nothing was.
 */
describe("atmos2-server: POST /update when the change log fails", () => {
  let server: http.Server;
  let url = "";
  afterEach(() => shutdown(server));

  async function post(error: Error): Promise<{ status: number; error: string }> {
    const log = new FailingChangeLog(error);
    const hub = new LiveHub(log, log.start(() => undefined));
    const endpoint = createUpdateEndpoint({ hub, secret: "s3cret-for-the-backend", maxBodyBytes: 1 << 20 });
    server = http.createServer((req, res) => void (endpoint(req, res) || res.writeHead(404).end()));
    url = await listen(server);
    const res = await fetch(`${url}/update`, {
      method: "POST",
      headers: { "X-Atmos-Secret": "s3cret-for-the-backend", "Content-Type": "application/json" },
      body: JSON.stringify({ channel: "user:1", changes: [{ type: "updated", collection: "tasks", id: "1", attrs: { title: "a" } }] }),
    });
    return { status: res.status, error: ((await res.json()) as { error: string }).error };
  }

  it("says a command the Redis client timed out before sending published nothing, and names the error", async () => {
    const { status, error } = await post(new TimeoutError());
    expect(status).to.equal(503);
    expect(error).to.match(/^could not publish \(TimeoutError: .+\): nothing was published; post it again$/);
  });

  it("says a client already closed published nothing", async () => {
    const { error } = await post(new ClientClosedError());
    expect(error).to.match(/nothing was published; post it again$/);
  });

  it("says another failure may have published the change, with its reason", async () => {
    const { error } = await post(new Error("Socket closed unexpectedly"));
    expect(error).to.equal("could not publish (Socket closed unexpectedly): the change may have been published (Redis may have taken it before the connection failed), so posting it again may send it twice");
  });
});

import { expect } from "chai";
import net from "node:net";
import { createLiveServer } from "../../server/live";

/**
 * Found by a Redis failure hunt: a REDIS_URL whose port accepts the
 * connection and never answers (another program, or a Redis stopped with
 * SIGSTOP) held atmos2-server's start for ever: no line, no port, no exit.
 */
describe("live server with a Redis that accepts the connection and never answers", function () {
  this.timeout(30_000);
  let silent: net.Server;
  const sockets: net.Socket[] = [];

  before(async () => {
    silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it("fails its start with one message naming the Redis, instead of waiting for ever", async () => {
    const { port } = silent.address() as net.AddressInfo;
    const live = createLiveServer({ redisUrl: `redis://127.0.0.1:${port}`, authenticate: () => "*" });
    const error = (await live.ready.then(() => undefined, (e: Error) => e)) as Error | undefined;
    await live.close();
    expect(error?.message).to.match(new RegExp(`cannot reach Redis at redis://127\\.0\\.0\\.1:${port}.*accepted the connection but did not answer within 10 s`));
  });
});

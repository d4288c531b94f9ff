// The Redis floor of the fan-out bench: the least a server process can do to
// fan a change out over Redis. It subscribes to one pub/sub channel and sends
// every message it gets, unchanged, to each of its sockets: one plain `ws`
// broadcast loop fed by one PUBLISH. Two of these run beside two atmos2-server
// processes' numbers. Plain JS, so it starts without a TypeScript loader.
//
//   REDIS_URL=redis://127.0.0.1:6379 FLOOR_CHANNEL=bench node bench/live/redis-floor-server.js
// prints "Listening on http://localhost:PORT" once subscribed.
const http = require("node:http");
const { WebSocketServer } = require("ws");
const { createClient } = require("redis");

async function main() {
  const url = process.env.REDIS_URL;
  const channel = process.env.FLOOR_CHANNEL || "bench-floor";
  if (!url) throw new Error("REDIS_URL must name the redis-server to subscribe to");
  const server = http.createServer((req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const subscriber = createClient({ url });
  subscriber.on("error", (error) => console.error(`[redis-floor] ${error.message}`));
  await subscriber.connect();
  // bufferMode: the message arrives as the bytes Redis sent, and goes out as they are.
  await subscriber.subscribe(channel, (message) => {
    for (const client of wss.clients) client.send(message, { binary: false });
  }, true);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  console.log(`Listening on http://localhost:${server.address().port}`);
  const stop = () => {
    for (const client of wss.clients) client.terminate();
    subscriber.close().finally(() => server.close(() => process.exit(0)));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error) => {
  console.error(`[redis-floor] ${error.message}`);
  process.exit(1);
});

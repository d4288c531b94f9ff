// Worker thread holding the bench's WebSocket clients, so their receive work
// runs on its own event loop instead of competing with the server under test.
// Plain JS: a worker started from tsx does not inherit its TypeScript loader.
const { parentPort } = require("node:worker_threads");
const { performance } = require("node:perf_hooks");
const WebSocket = require("ws");

let sockets = [];
let expected = 0;
const arrivals = new Map(); // change id -> receipt times (absolute ms)

function onChange(id) {
  let times = arrivals.get(id);
  if (!times) arrivals.set(id, (times = []));
  times.push(performance.timeOrigin + performance.now());
  if (times.length === expected) {
    arrivals.delete(id);
    parentPort.postMessage({ type: "delivered", id, times });
  }
}

function connectOne(url, auth) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once("error", reject);
    ws.on("message", (data) => {
      const message = JSON.parse(data.toString());
      if (message.type === "ready") resolve(ws);
      else if (message.type === "change") onChange(message.change.id);
    });
    ws.once("open", () => (auth ? ws.send(JSON.stringify(auth)) : resolve(ws)));
  });
}

parentPort.on("message", async (command) => {
  if (command.cmd === "connect") {
    expected = command.count;
    try {
      // Batches of 100 stay under the listen backlog.
      for (let start = 0; start < command.count; start += 100) {
        const batch = [];
        for (let i = start; i < Math.min(command.count, start + 100); i++) batch.push(connectOne(command.urls[i % command.urls.length], command.auth));
        sockets.push(...(await Promise.all(batch)));
      }
      parentPort.postMessage({ type: "connected" });
    } catch (error) {
      parentPort.postMessage({ type: "failed", message: String(error && error.message) });
    }
  } else if (command.cmd === "close") {
    for (const ws of sockets) ws.terminate();
    sockets = [];
    parentPort.postMessage({ type: "closed" });
  }
});

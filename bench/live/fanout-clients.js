// Holds the bench's WebSocket clients, so their receive work runs on its own
// event loop instead of competing with the server under test: in a worker
// thread (1,000 sockets) or, forked, in a process of its own (10,000 sockets
// spread over several of these). Plain JS: neither inherits tsx's loader.
//
// Sockets come in groups, one per contender, all connected at once so the
// bench can alternate contenders round by round. A change id is
// "<group>:<n>"; its receipt times go back once every socket of the group
// has it.
const { parentPort: workerPort } = require("node:worker_threads");
const { performance } = require("node:perf_hooks");
const WebSocket = require("ws");

// The same two calls whether the bench talks to us as a worker or over IPC.
const parentPort = workerPort ?? {
  on: (event, listener) => process.on(event, listener),
  postMessage: (message) => process.send(message),
};

let sockets = [];
const expected = new Map(); // group -> sockets in it
const arrivals = new Map(); // change id -> receipt times (absolute ms)

function onChange(id) {
  const at = performance.timeOrigin + performance.now();
  let times = arrivals.get(id);
  if (!times) arrivals.set(id, (times = []));
  times.push(at);
  if (times.length === expected.get(id.slice(0, id.indexOf(":")))) {
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
    expected.set(command.group, command.count);
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
    if (!workerPort) process.disconnect();
  }
});

import Spine from "spine";
import { Atmos, ManualConnectivity } from "../../lib";
import type { BenchCase, Row } from "../bench-types";
import { compareRow } from "../compare-row";
import { benchTasksServer, seededList } from "../env/bench-tasks-server";
import { installNodeWebStorage } from "../env/node-web-storage";
import { atMost } from "../goal";
import { timed } from "../sampler";

/* eslint-disable @typescript-eslint/no-explicit-any -- Spine models are untyped */
let EditTask: any;

function defineModel() {
  if (EditTask) return EditTask;
  EditTask = class extends Spine.Model {};
  EditTask.configure("EditTask", "title", "notes", "status", "due", "taskListID", "etag", "updated", "position");
  EditTask.extend((Spine.Model as any).Atmosphere);
  return EditTask;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * P3: E edits spread over R records while the network is down (the edits
 * come in bursts over about a second, so retries fail in between), then the
 * network comes back. Counts the requests that reach the server and the time
 * until `whenSynced()`; the peer replays every edit as its own request.
 */
export const p3OfflineReplay: BenchCase = {
  id: "P3",
  title: "offline edits, then reconnect",
  budgetMs: 40_000,
  async run(ctx) {
    const records = ctx.quick ? 10 : 100;
    const edits = ctx.quick ? 100 : 1000;
    const storage = installNodeWebStorage();
    const server = await benchTasksServer();
    const listId = await seededList(server, "P3 offline", records, 200);
    const Task = defineModel();
    const auth = `Bearer ${server.token}`;
    const order = Array.from({ length: edits }, (_, i) => (i * 37) % records);

    const ours = async (run: number) => {
      storage.clear();
      const connectivity = new ManualConnectivity();
      const atmos = new Atmos({ storage, connectivity });
      let offline = false;
      let requests = 0;
      const perUrl = new Map<string, number>();
      // Sends the network cut: tried while down, so the client cannot know
      // whether the server got them. Counted once per request (method + URL).
      const cut = new Set<string>();
      try {
        const rc = atmos.resourceClient;
        rc.base = server.base;
        rc.routes = { EditTask: { index: "GET /lists/:taskListID/tasks", create: "POST /lists/:taskListID/tasks", update: "PUT /lists/:taskListID/tasks/:id", delete: "DELETE /lists/:taskListID/tasks/:id" } };
        rc.addHeader("Authorization", auth);
        // The network, as atmos2's transport seam sees it: down means every request fails to connect.
        rc.fetch = (url, init) => {
          if (offline) {
            cut.add(`${init?.method ?? "GET"} ${url}`);
            return Promise.reject(new TypeError("fetch failed (bench: offline)"));
          }
          requests++;
          perUrl.set(url, (perUrl.get(url) ?? 0) + 1);
          return globalThis.fetch(url, init);
        };
        const pulled = await Task.sync({ remote: true, pathParams: { taskListID: listId }, params: { maxResults: 100 } });
        if (pulled.length !== records) throw new Error(`pulled ${pulled.length} of ${records}`);
        const ids = pulled.map((r: any) => r.id);
        offline = true;
        connectivity.set(false);
        const bursts = 10;
        for (let b = 0; b < bursts; b++) {
          for (let i = (b * edits) / bursts; i < ((b + 1) * edits) / bursts; i++) {
            const task = Task.find(ids[order[i]]);
            task.title = `Run ${run} edit ${i}`;
            task.save({ remote: true });
          }
          await pause(100);
        }
        requests = 0;
        perUrl.clear();
        offline = false;
        const drain = await timed(async () => {
          connectivity.set(true);
          await atmos.whenSynced();
        });
        const sent = requests;
        const status = atmos.status();
        if (status.failed || status.pending) throw new Error(`after reconnect: ${JSON.stringify(status)}`);
        // Every record on the server must carry its last edit.
        const res = await fetch(`${server.base}/lists/${listId}/tasks?maxResults=100`, { headers: { Authorization: auth } });
        const onServer = new Map<string, string>(((await res.json()) as any).items.map((t: any) => [t.id, t.title]));
        for (let r = 0; r < records; r++) {
          const last = order.lastIndexOf(r);
          if (onServer.get(ids[r]) !== `Run ${run} edit ${last}`) throw new Error(`record ${ids[r]} on the server is "${onServer.get(ids[r])}", not its last edit ${last}`);
        }
        const twice = Array.from(perUrl.values()).filter((c) => c > 1).length;
        return { drain, sent, twice, cut: cut.size };
      } finally {
        atmos.close();
        Task.deleteAll();
      }
    };

    // The naive peer: a queue that replays each edit as one PUT, in order.
    const naive = async () => {
      const res = await fetch(`${server.base}/lists/${listId}/tasks?maxResults=100`, { headers: { Authorization: auth } });
      const tasks = ((await res.json()) as any).items;
      let sent = 0;
      const drain = await timed(async () => {
        for (let i = 0; i < edits; i++) {
          const task = tasks[order[i]];
          const put = await fetch(`${server.base}/lists/${listId}/tasks/${task.id}`, {
            method: "PUT",
            headers: { Authorization: auth, "Content-Type": "application/json" },
            body: JSON.stringify({ ...task, title: `Naive edit ${i}` }),
          });
          await put.text();
          if (!put.ok) throw new Error(`naive PUT → ${put.status}`);
          sent++;
        }
      });
      return { drain, sent };
    };

    // One naive replay (the slow one: one committed write per edit), then ours until the deadline.
    const peer = await naive();
    ctx.log(`P3 naive replay: ${peer.sent} requests in ${peer.drain.toFixed(0)} ms`);
    const oursRuns: Array<{ drain: number; sent: number; twice: number; cut: number }> = [];
    for (let run = 0; run < Math.min(ctx.runs, 3); run++) {
      if (run >= 1 && Date.now() > ctx.deadline) break;
      oursRuns.push(await ours(run));
      const last = oursRuns.at(-1)!;
      ctx.log(`P3 run ${run + 1}: ${last.sent} requests (${last.cut} sends cut by the network, ${last.twice} records sent twice), drained in ${last.drain.toFixed(0)} ms`);
    }

    // The allowance: one request per record, plus one per distinct send the network cut.
    const cutSends = Math.max(...oursRuns.map((r) => r.cut));
    const twice = Math.max(...oursRuns.map((r) => r.twice));
    const rows: Row[] = [
      compareRow({
        id: "P3",
        name: `requests to send ${edits} offline edits of ${records} records`,
        unit: "requests",
        ours: oursRuns.map((r) => r.sent),
        peer: [peer.sent],
        peerName: "naive replay",
        goal: `≤ ${records} requests + 1 per send the network cut`,
        // Per run: what it sent, less the sends the network cut in that run.
        judge: () => atMost(Math.max(...oursRuns.map((r) => r.sent - r.cut)), records, "requests beyond the cut sends"),
        note:
          `${cutSends} send(s) cut by the network, ${twice} record(s) sent twice (most in any run). While offline, atmos2 lets one record probe the network; ` +
          "a request the network cut may have reached the server, so that version is sealed: after reconnect it is sent again as it was, and the record's " +
          "later edits follow as one more request instead of folding into it. Every other record's edits fold into one request.",
      }),
      compareRow({
        id: "P3",
        name: `time to drain after reconnect (${edits} edits)`,
        unit: "ms",
        ours: oursRuns.map((r) => r.drain),
        peer: [peer.drain],
        peerName: "naive replay",
        goal: "drained ≤ 5 s",
        judge: (m) => atMost(m.ours / 1000, 5, "seconds to drain"),
        note: "Each PUT is a committed SQLite write on this disk; the naive replay sends one per edit, sequentially.",
      }),
    ];
    return rows;
  },
};

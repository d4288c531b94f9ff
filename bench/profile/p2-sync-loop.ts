// A P2 loop for profilers: `node --cpu-prof -r tsx/cjs bench/profile/p2-sync-loop.ts [n] [rounds]`
// pulls n tasks of ~1 KB from the bundled tasks API into an empty atmos2
// (pages of 100), as bench/cases/p2-initial-sync.ts does, next to the floor
// (fetch, JSON.parse, one setItem per record), and prints ms per pull.
import Spine from "spine";
import { Atmos } from "../../lib";
import { benchTasksServer, closeBenchTasksServer, seededList } from "../env/bench-tasks-server";
import { installNodeWebStorage } from "../env/node-web-storage";
import { timed } from "../sampler";

/* eslint-disable @typescript-eslint/no-explicit-any -- Spine models are untyped */
async function main(): Promise<void> {
  const [n = "10000", rounds = "4"] = process.argv.slice(2);
  const storage = installNodeWebStorage();
  const server = await benchTasksServer();
  const listId = await seededList(server, "P2 profile", Number(n), 700);
  const PullTask: any = class extends Spine.Model {};
  PullTask.configure("PullTask", "title", "notes", "status", "due", "taskListID", "etag", "updated", "position");
  PullTask.extend((Spine.Model as any).Atmosphere);
  const auth = `Bearer ${server.token}`;
  const floor = async () => {
    storage.clear();
    let token: string | undefined;
    do {
      const res = await fetch(`${server.base}/lists/${listId}/tasks?maxResults=100${token ? `&pageToken=${encodeURIComponent(token)}` : ""}`, { headers: { Authorization: auth } });
      const page = JSON.parse(await res.text());
      for (const item of page.items ?? []) storage.setItem(`floor:${item.id}`, JSON.stringify({ ...item, taskListID: listId }));
      token = page.nextPageToken;
    } while (token);
  };
  const ours = async () => {
    storage.clear();
    const atmos = new Atmos({ storage });
    try {
      atmos.resourceClient.base = server.base;
      atmos.resourceClient.routes = { PullTask: { index: "GET /lists/:taskListID/tasks" } };
      atmos.resourceClient.addHeader("Authorization", auth);
      await PullTask.sync({ remote: true, pathParams: { taskListID: listId }, params: { maxResults: 100 } });
      if (PullTask.count() !== Number(n)) throw new Error(`pulled ${PullTask.count()} of ${n}`);
    } finally {
      atmos.close();
      PullTask.deleteAll();
    }
  };
  for (let round = 0; round < Number(rounds); round++) {
    const f = await timed(floor);
    const o = await timed(ours);
    console.log(`round ${round}: floor ${f.toFixed(0)} ms, atmos2 ${o.toFixed(0)} ms (${(o / f).toFixed(2)}×)`);
  }
  await closeBenchTasksServer();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

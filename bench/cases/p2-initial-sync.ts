import Spine from "spine";
import { Atmos } from "../../lib";
import type { BenchCase } from "../bench-types";
import { compareRow } from "../compare-row";
import { benchTasksServer, seededList } from "../env/bench-tasks-server";
import { installNodeWebStorage } from "../env/node-web-storage";
import { loadSpineAjax } from "../env/spine-ajax";
import { all, atLeast, atMost } from "../goal";
import { timed } from "../sampler";

/* eslint-disable @typescript-eslint/no-explicit-any -- Spine models are untyped */
const fields = ["title", "notes", "status", "due", "taskListID", "etag", "updated", "position"];
let models: { PullTask: any; AjaxTask: any } | undefined;

function defineModels(origin: string) {
  if (models) return models;
  loadSpineAjax(origin);
  const PullTask: any = class extends Spine.Model {};
  PullTask.configure("PullTask", ...fields);
  PullTask.extend((Spine.Model as any).Atmosphere);
  const AjaxTask: any = class extends Spine.Model {};
  AjaxTask.configure("AjaxTask", ...fields);
  AjaxTask.extend((Spine.Model as any).Local);
  AjaxTask.extend((Spine.Model as any).Ajax);
  // Google answers { items, nextPageToken }: what a Spine user adds to read it.
  const fromJSON = AjaxTask.fromJSON;
  AjaxTask.fromJSON = function (this: any, objects: any) {
    return fromJSON.call(this, objects && !Array.isArray(objects) && "kind" in objects ? (objects.items ?? []) : objects);
  };
  models = { PullTask, AjaxTask };
  return models;
}

/**
 * P2: the first `Task.sync({ remote: true })` of a list of N tasks of ~1 KB
 * from the bundled tasks API on loopback (pages of 100, as Google serves
 * them), until every record is in memory and in storage.
 */
export const p2InitialSync: BenchCase = {
  id: "P2",
  title: "initial sync of N records from the bundled server",
  budgetMs: 60_000,
  async run(ctx) {
    const n = ctx.quick ? 500 : 10_000;
    const storage = installNodeWebStorage();
    const server = await benchTasksServer();
    const listId = await seededList(server, "P2 pull", n, 700);
    const { PullTask, AjaxTask } = defineModels(server.url);
    const auth = `Bearer ${server.token}`;
    const pagePath = (token?: string) => `/lists/${listId}/tasks?maxResults=100${token ? `&pageToken=${encodeURIComponent(token)}` : ""}`;

    const floor = async () => {
      storage.clear();
      let token: string | undefined;
      let count = 0;
      do {
        const res = await fetch(server.base + pagePath(token), { headers: { Authorization: auth } });
        const page = JSON.parse(await res.text());
        for (const item of page.items ?? []) storage.setItem(`floor:${item.id}`, JSON.stringify({ ...item, taskListID: listId }));
        count += page.items?.length ?? 0;
        token = page.nextPageToken;
      } while (token);
      if (count !== n) throw new Error(`floor pulled ${count} of ${n}`);
    };

    const ours = async () => {
      storage.clear();
      const atmos = new Atmos({ storage });
      try {
        const rc = atmos.resourceClient;
        rc.base = server.base;
        rc.routes = { PullTask: { index: "GET /lists/:taskListID/tasks", create: "POST /lists/:taskListID/tasks", update: "PUT /lists/:taskListID/tasks/:id", delete: "DELETE /lists/:taskListID/tasks/:id" } };
        rc.addHeader("Authorization", auth);
        const time = await timed(() => PullTask.sync({ remote: true, pathParams: { taskListID: listId }, params: { maxResults: 100 } }));
        const stored = storage.length;
        if (PullTask.count() !== n) throw new Error(`atmos2 pulled ${PullTask.count()} of ${n}`);
        if (stored < n) throw new Error(`atmos2 stored ${stored} of ${n}`);
        return time;
      } finally {
        atmos.close();
        PullTask.deleteAll();
      }
    };

    // Spine Ajax + Local, as a Spine user would page through it, then one saveLocal.
    const spine = async () => {
      storage.clear();
      AjaxTask.deleteAll();
      let token: string | undefined;
      do {
        const page: any = await new Promise((resolve, reject) => {
          AjaxTask.ajax()
            .fetch({ headers: { Authorization: auth } }, { url: server.base + pagePath(token) })
            .done((data: any) => resolve(data))
            .fail((xhr: any) => reject(new Error(`Spine Ajax fetch failed: ${xhr?.status}`)));
        });
        token = page.nextPageToken;
      } while (token);
      for (const record of AjaxTask.all()) if (!record.taskListID) record.taskListID = listId;
      AjaxTask.saveLocal();
      if (AjaxTask.count() !== n) throw new Error(`Spine pulled ${AjaxTask.count()} of ${n}`);
      if (!storage.getItem("AjaxTask")) throw new Error("Spine Local stored nothing");
      AjaxTask.deleteAll();
    };

    const samples = { floor: [] as number[], ours: [] as number[], spine: [] as number[] };
    const runs = Math.min(ctx.runs, ctx.quick ? 2 : 3);
    await ours(); // warm-up (JIT, connections), not counted
    for (let run = 0; run < runs; run++) {
      if (run >= 2 && Date.now() > ctx.deadline) break;
      samples.floor.push(await timed(floor));
      samples.ours.push(await ours());
      samples.spine.push(await timed(spine));
      ctx.log(`P2 round ${run + 1}: floor ${samples.floor.at(-1)!.toFixed(0)} ms, atmos2 ${samples.ours.at(-1)!.toFixed(0)} ms, Spine ${samples.spine.at(-1)!.toFixed(0)} ms`);
    }
    storage.clear();
    return [
      compareRow({
        id: "P2",
        name: `first sync({ remote: true }) of ${n} tasks of ~1 KB, pages of 100`,
        unit: "ms",
        ours: samples.ours,
        peer: samples.spine,
        peerName: "Spine Ajax + Local",
        floor: samples.floor,
        goal: "≤ 1.5× floor; ≥ 1.5× faster than Spine Ajax + Local",
        judge: (m) => all(atMost(m.floorRatio, 1.5, "ours/floor"), atLeast(1 / m.ratio, 1.5, "speed-up over Spine Ajax + Local")),
        note: "Spine Ajax runs on jQuery over jsdom's XMLHttpRequest (Node), pages with Model.ajax().fetch and stores once with saveLocal(); the floor is raw fetch + JSON.parse + one setItem per record.",
      }),
    ];
  },
};

import Spine from "spine";
import { Atmos } from "../../lib";
import type { BenchCase } from "../bench-types";
import { compareRow } from "../compare-row";
import { benchTasksServer, seededList } from "../env/bench-tasks-server";
import { installNodeWebStorage } from "../env/node-web-storage";
import { loadSpineAjax } from "../env/spine-ajax";
import { taskList } from "../fixtures/task-fixtures";
import { atMost } from "../goal";
import { quantile } from "../stats";

/* eslint-disable @typescript-eslint/no-explicit-any -- Spine models are untyped */
const fields = ["title", "notes", "status", "due", "taskListID", "etag", "updated", "position"];
let models: Record<string, any> | undefined;

function defineModels(origin: string) {
  if (models) return models;
  const { $ } = loadSpineAjax(origin);
  const define = (name: string, ...mixins: any[]) => {
    const model: any = class extends Spine.Model {};
    model.configure(name, ...fields);
    for (const mixin of mixins) model.extend(mixin);
    return model;
  };
  const M = Spine.Model as any;
  models = {
    $,
    Ours: define("LatencyTask", M.Atmosphere),
    SpineLocal: define("LatencyLocalTask", M.Local),
    SpineAjax: define("LatencyAjaxTask", M.Local, M.Ajax),
    Plain: define("LatencyPlainTask"),
  };
  return models;
}

const now = () => performance.now();

/**
 * P4: how long after `save()` the app's own `change` listener runs (the UI
 * update), and how long `save({ remote: true })` takes to be acknowledged on
 * loopback, next to Spine Local and Spine Ajax.
 */
export const p4Latency: BenchCase = {
  id: "P4",
  title: "change event and remote save latency",
  budgetMs: 30_000,
  async run(ctx) {
    const stored = 1000;
    const saves = ctx.quick ? 200 : 1000;
    const remoteSaves = ctx.quick ? 10 : 40;
    const storage = installNodeWebStorage();
    const server = await benchTasksServer();
    const { $, Ours, SpineLocal, SpineAjax, Plain } = defineModels(server.url);
    const auth = `Bearer ${server.token}`;

    // 1. save() → the app's change listener, with `stored` records loaded.
    const changeLatency = async (model: any, load: () => Promise<void>) => {
      storage.clear();
      model.deleteAll();
      await load();
      const ids = model.all().map((r: any) => r.id).slice(0, 50);
      let started = 0;
      const latencies: number[] = [];
      const listener = () => latencies.push(now() - started);
      model.bind("change", listener);
      try {
        for (let i = 0; i < saves; i++) {
          const record = model.find(ids[i % ids.length]);
          record.title = `Edit ${i}`;
          started = now();
          record.save();
          if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve)); // let storage writes run
        }
      } finally {
        model.unbind("change", listener);
        model.deleteAll();
      }
      return latencies.slice(Math.floor(saves / 5)); // the first fifth warms up
    };
    const records = taskList(stored);
    const atmosLocal = new Atmos({ storage });
    let ours: number[];
    try {
      const rc = atmosLocal.resourceClient;
      rc.base = "http://bench.invalid";
      rc.routes = { LatencyTask: { index: "GET /tasks", create: "POST /tasks", update: "PUT /tasks/:id", delete: "DELETE /tasks/:id" } };
      const body = JSON.stringify({ items: records });
      rc.fetch = async () => new Response(body, { status: 200 });
      ours = await changeLatency(Ours, async () => {
        await Ours.sync({ remote: true });
      });
      await atmosLocal.whenSynced();
    } finally {
      atmosLocal.close();
    }
    const spineLocal = await changeLatency(SpineLocal, async () => {
      storage.setItem("LatencyLocalTask", JSON.stringify(records));
      SpineLocal.fetch();
    });
    const plain = await changeLatency(Plain, async () => {
      Plain.refresh(records.map((r) => ({ ...r })));
    });
    ctx.log(`P4 change p95: atmos2 ${quantile(ours, 0.95).toFixed(3)} ms, Spine Local ${quantile(spineLocal, 0.95).toFixed(3)} ms`);

    // 2. save({ remote: true }) until acknowledged, on the bundled server.
    const listId = await seededList(server, "P4 latency", 20, 200);
    const page = await (await fetch(`${server.base}/lists/${listId}/tasks?maxResults=100`, { headers: { Authorization: auth } })).json();
    const serverTasks: any[] = (page as any).items.map((t: any) => ({ ...t, taskListID: listId }));

    const atmos = new Atmos({ storage });
    const remoteOurs: number[] = [];
    try {
      const rc = atmos.resourceClient;
      rc.base = server.base;
      rc.routes = { LatencyTask: { index: "GET /lists/:taskListID/tasks", create: "POST /lists/:taskListID/tasks", update: "PUT /lists/:taskListID/tasks/:id", delete: "DELETE /lists/:taskListID/tasks/:id" } };
      rc.addHeader("Authorization", auth);
      storage.clear();
      await Ours.sync({ remote: true, pathParams: { taskListID: listId } });
      for (let i = 0; i <= remoteSaves; i++) {
        const record = Ours.find(serverTasks[i % serverTasks.length].id);
        record.title = `Remote edit ${i}`;
        const start = now();
        record.save({ remote: true });
        await atmos.whenSynced();
        if (i > 0) remoteOurs.push(now() - start); // the first opens the connection
      }
      if (atmos.status().failed) throw new Error("a remote save failed");
    } finally {
      atmos.close();
      Ours.deleteAll();
    }

    $.ajaxSetup({ headers: { Authorization: auth } });
    storage.clear();
    SpineAjax.deleteAll();
    SpineAjax.refresh(serverTasks, { ajax: false });
    SpineAjax.url = `lists/${listId}/tasks`;
    (Spine.Model as any).host = server.base;
    const remoteSpine: number[] = [];
    for (let i = 0; i <= remoteSaves; i++) {
      const record = SpineAjax.find(serverTasks[i % serverTasks.length].id);
      record.title = `Spine edit ${i}`;
      const start = now();
      await new Promise<void>((resolve, reject) => {
        const ok = () => (SpineAjax.unbind("ajaxError", fail), resolve());
        const fail = (_r: unknown, xhr: any) => (SpineAjax.unbind("ajaxSuccess", ok), reject(new Error(`Spine Ajax save → ${xhr?.status} ${xhr?.responseText?.slice(0, 200)}`)));
        SpineAjax.one("ajaxSuccess", ok);
        SpineAjax.one("ajaxError", fail);
        record.save();
      });
      if (i > 0) remoteSpine.push(now() - start);
    }
    SpineAjax.deleteAll();

    const floor: number[] = [];
    for (let i = 0; i <= remoteSaves; i++) {
      const task = serverTasks[i % serverTasks.length];
      const start = now();
      const res = await fetch(`${server.base}/lists/${listId}/tasks/${task.id}`, { method: "PUT", headers: { Authorization: auth, "Content-Type": "application/json" }, body: JSON.stringify({ ...task, title: `Floor edit ${i}` }) });
      await res.text();
      if (!res.ok) throw new Error(`floor PUT → ${res.status}`);
      if (i > 0) floor.push(now() - start);
    }
    storage.clear();

    // One p95 per slice of the saves, so the row shows how much the p95 moves.
    const p95 = (values: number[]) => {
      const slices = Math.max(2, ctx.runs);
      const size = Math.floor(values.length / slices);
      return Array.from({ length: slices }, (_, i) => quantile(values.slice(i * size, (i + 1) * size), 0.95));
    };
    return [
      compareRow({
        id: "P4",
        name: `save() → change listener, p95, ${stored} stored`,
        unit: "ms",
        ours: p95(ours),
        peer: p95(spineLocal),
        peerName: "Spine Local",
        floor: p95(plain),
        goal: "p95 < 1 ms",
        judge: (m) => atMost(m.ours, 1, "p95 ms"),
        note: `p95 per slice of ${ours.length} saves; median atmos2 ${(quantile(ours, 0.5) * 1000).toFixed(0)} µs, Spine Local ${(quantile(spineLocal, 0.5) * 1000).toFixed(0)} µs; the floor is Spine with no storage.`,
      }),
      compareRow({
        id: "P4",
        name: "save({ remote: true }) → acknowledged (PUT, loopback)",
        unit: "ms",
        ours: remoteOurs,
        peer: remoteSpine,
        peerName: "Spine Ajax",
        floor,
        goal: "none (for comparison)",
        judge: () => ({ met: true }),
        note: "ours: save({ remote: true }) until whenSynced(); Spine Ajax: save() until ajaxSuccess; floor: one raw fetch PUT. Each PUT is a committed SQLite write.",
      }),
    ];
  },
};

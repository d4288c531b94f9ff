import { watchedWebSocket } from "../../fakes/watched-websocket";
import type { LiveServerOptions } from "../../../server/live";
import { startLive, type LiveFixture } from "../../live/support/live-fixture";
import { startFaultProxy, type FaultProxy } from "../../servers/fault-proxy";
import { tasksClient } from "../../servers/tasks-client";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { models, resetModels } from "../models";
import { openPage, type OfflinePage } from "./offline-page";

/**
 * A page on the Google-compatible API, its requests through a fault proxy,
 * connected to a live server, with a list "Shopping" (and `tasks` in it)
 * pulled: the stage of the stories where news arrives while a request is on
 * its way.
 */
export interface LivePage {
  api: TasksTestServer;
  live: LiveFixture;
  proxy: FaultProxy;
  page: OfflinePage;
  client: ReturnType<typeof tasksClient>;
  listId: string;
  /** The tasks made before the pull, in order. */
  tasks: Array<{ id: string }>;
  /** Resolves on the next live change frame the page receives, before the live client handles it. */
  nextChangeFrame(): Promise<void>;
  close(): Promise<void>;
}

export async function openLivePage(tasks: Array<Record<string, unknown>> = [], liveOptions: Partial<LiveServerOptions> = {}): Promise<LivePage> {
  resetModels();
  const api = await startTasksTestServer();
  const live = await startLive(liveOptions);
  const proxy = await startFaultProxy(api.url);
  let frameSeen = () => {};
  const WebSocket = watchedWebSocket((data) => {
    if (JSON.parse(data).type === "change") frameSeen();
  });
  const page = openPage({ base: `${proxy.url}/tasks/v1`, token: api.token, WebSocket });
  const client = tasksClient(api);
  const listId = (await client.createList("Shopping")).id;
  const made: Array<{ id: string }> = [];
  for (const attrs of tasks) made.push(await client.createTask(listId, attrs));
  await models.Task.sync({ remote: true, pathParams: { taskListID: listId } });
  await page.atmos.live.connect(live.wsUrl, { token: "any" });
  return {
    api,
    live,
    proxy,
    page,
    client,
    listId,
    tasks: made,
    nextChangeFrame: () => new Promise<void>((resolve) => (frameSeen = resolve)),
    async close() {
      page.close();
      await live.close();
      await proxy.close();
      await api.close({ removeFile: true });
    },
  };
}

/** Requests held at the proxy until `letGo()`; `out` resolves when the first one arrived. */
export interface Held {
  out: Promise<void>;
  letGo(): void;
}

/**
 * Holds every request of `method` at the proxy until `letGo()`: before the
 * server sees it ("until"), or after the server committed it, its answer held
 * ("answerAfter").
 */
export function holdRequests(proxy: FaultProxy, method: string, how: "until" | "answerAfter" = "until"): Held {
  let letGo = () => {};
  const gate = new Promise<void>((resolve) => (letGo = resolve));
  const out = new Promise<void>((arrived) =>
    proxy.setSchedule((req) => {
      if (req.method !== method) return undefined;
      arrived();
      return how === "until" ? { until: gate } : { answerAfter: gate };
    }),
  );
  return { out, letGo };
}

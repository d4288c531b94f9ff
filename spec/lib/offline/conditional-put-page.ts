import { startFaultProxy, type Fault, type FaultProxy } from "../../servers/fault-proxy";
import { tasksClient } from "../../servers/tasks-client";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";
import { models, resetModels, Task } from "../models";
import { openPage, type OfflinePage } from "./offline-page";

/** What `conditionalPutPage()` makes anew for each test. */
export interface ConditionalPutPage {
  api: TasksTestServer;
  proxy: FaultProxy;
  page: OfflinePage;
  client: ReturnType<typeof tasksClient>;
  listId: string;
  /** The task "milk" (notes "1 litre") in the list "Shopping", pulled by the page. */
  milk: { id: string };
  /** Faults for the next PUTs of the page, in order. */
  putFaults: Fault[];
  /** The task as the server has it now. */
  serverTask(): Promise<any>;
  /** The page saves "2 litres"; its PUT is answered 500 by the way, so it is maybe made and waits for a retry. */
  editFailingWith500(): Promise<void>;
}

/**
 * The Google-compatible API behind a fault proxy, a page on it that sends
 * updates with If-Match (`conditionalUpdates`), and a task it pulled: the
 * stage of the stories where an update may have been made and is tried again,
 * made before each test of the describe it is called in and closed after.
 */
export function conditionalPutPage(): ConditionalPutPage {
  const stage = {} as ConditionalPutPage;
  beforeEach(async () => {
    resetModels();
    stage.api = await startTasksTestServer();
    stage.putFaults = [];
    stage.proxy = await startFaultProxy(stage.api.url, (req) => (req.method === "PUT" ? stage.putFaults.shift() : undefined));
    stage.page = openPage({ base: `${stage.proxy.url}/tasks/v1`, token: stage.api.token });
    stage.page.atmos.resourceClient.conditionalUpdates = true;
    stage.client = tasksClient(stage.api);
    stage.listId = (await stage.client.createList("Shopping")).id;
    stage.milk = await stage.client.createTask(stage.listId, { title: "milk", notes: "1 litre" });
    await models.Task.sync({ remote: true, pathParams: { taskListID: stage.listId } });
  });
  afterEach(async () => {
    stage.page.close();
    await stage.proxy.close();
    await stage.api.close({ removeFile: true });
  });
  stage.serverTask = async () => (await stage.client.call("GET", `/lists/${stage.listId}/tasks/${stage.milk.id}`)).body;
  stage.editFailingWith500 = async () => {
    stage.putFaults.push({ status: 500, body: { error: { code: 500, message: "try again" } } });
    const failed = new Promise<void>((resolve) => stage.page.atmos.on("error", () => resolve()));
    (Task.find(stage.milk.id) as Task).updateAttributes({ notes: "2 litres" }, { remote: true });
    await failed;
  };
  return stage;
}

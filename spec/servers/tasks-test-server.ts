import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { createTasksApi, type PublishedChange, type TasksApiOptions, type TasksChange } from "../../example/server/tasks-api";
import { listen, shutdown } from "./listen";
import { recordRequest, type RecordedRequest } from "./recorded-request";

/** The real Google-compatible tasks API on port 0, with a throwaway SQLite file. */
export interface TasksTestServer {
  /** Origin, e.g. http://127.0.0.1:40123 */
  url: string;
  /** `url + "/tasks/v1"`: what a client's `rc.base` is set to. */
  base: string;
  /** The Bearer token it accepts. */
  token: string;
  /** The SQLite file (reopen it with `startTasksTestServer({ dbFile })` to test a restart). */
  dbFile: string;
  requests: RecordedRequest[];
  /** Changes the API reported, in commit order. */
  changes: TasksChange[];
  /** The same changes with the channel each was published on (one per account). */
  published: PublishedChange[];
  /** Headers with the token, for a fetch. */
  headers(extra?: Record<string, string>): Record<string, string>;
  /**
   * Stops the server and closes the database. The file stays (to reopen it)
   * unless `removeFile`; a temp folder made for it is removed at process exit anyway.
   */
  close(options?: { removeFile?: boolean }): Promise<void>;
}

export interface TasksTestServerOptions extends Partial<Omit<TasksApiOptions, "dbFile" | "token" | "onChange">> {
  /** Default: a new file in a new temp directory. */
  dbFile?: string;
  /** Default "test-token" (unless `users` gives accounts). */
  token?: string;
}

const TEMP_PREFIX = "atmos2-tasks-";
/**
 * Temp folders made here. The file must outlive `close()` (a restart spec
 * reopens it), so whatever is left is removed when the test process exits.
 */
const tempDirs = new Set<string>();
process.once("exit", () => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

export async function startTasksTestServer(options: TasksTestServerOptions = {}): Promise<TasksTestServer> {
  const ownDir = options.dbFile ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), TEMP_PREFIX));
  if (ownDir) tempDirs.add(ownDir);
  const dbFile = options.dbFile ?? path.join(ownDir!, "tasks.sqlite");
  const token = options.token ?? options.users?.[0].token ?? "test-token";
  const requests: RecordedRequest[] = [];
  const changes: TasksChange[] = [];
  const published: PublishedChange[] = [];
  const api = createTasksApi({
    ...options,
    dbFile,
    token: options.users ? undefined : token,
    onChange: (p) => {
      changes.push(p.change);
      published.push(p);
    },
  });
  const server = http.createServer((req, res) => {
    // Recording listens to the same body stream the API reads.
    recordRequest(req, requests).catch(() => undefined);
    if (!api.handle(req, res)) {
      res.writeHead(404, { "Content-Type": "text/plain" });
      res.end(`Not found: ${req.url}`);
    }
  });
  const url = await listen(server);
  return {
    url,
    base: `${url}/tasks/v1`,
    token,
    dbFile,
    requests,
    changes,
    published,
    headers: (extra = {}) => ({ Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...extra }),
    async close(closeOptions = {}) {
      await shutdown(server);
      api.close();
      if (!closeOptions.removeFile) return;
      // Only what this helper made: a temp dir it created, else the db file and its WAL companions.
      for (const file of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) fs.rmSync(file, { force: true });
      const dir = path.dirname(dbFile);
      if (tempDirs.has(dir)) {
        fs.rmSync(dir, { recursive: true, force: true });
        tempDirs.delete(dir);
      }
    },
  };
}

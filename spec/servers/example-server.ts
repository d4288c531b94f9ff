import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../example/server/start";

/**
 * The example server as `npm start` runs it (`main`), started by a test with
 * the settings it gives, in a temporary DATA_DIR; stopped and removed after
 * each test. Call in a `describe`; the function it returns starts the server
 * and resolves with its address, `http://localhost:PORT`.
 */
export function exampleServer(): (env?: NodeJS.ProcessEnv) => Promise<string> {
  let tmp: string;
  let stop: (() => Promise<void>) | undefined;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-example-"));
  });
  afterEach(async () => {
    await stop?.();
    stop = undefined;
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  return async (env = {}) => {
    const started = await main({ PORT: "0", DATA_DIR: tmp, ...env }, () => {});
    stop = started.stop;
    return `http://localhost:${started.app.port}`;
  };
}

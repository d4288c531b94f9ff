// One P1 contender in a Node process of its own (forked by
// bench/contenders/node-contenders.ts), as an app has one storage library:
// its JIT state, heap and garbage are its own, and its runs are timed by
// this process's CPU time. Steps arrive as IPC messages and are answered
// one by one.
import { saveContenders } from "./save-contenders";
import { localSteps, type SaveSteps, type SaveTimingOptions } from "./save-rounds";
import { installNodeWebStorage } from "../env/node-web-storage";
import { taskList } from "../fixtures/task-fixtures";

export type ChildRequest =
  | { id: number; step: "start"; index: number; n: number; opts: SaveTimingOptions }
  | { id: number; step: "seed" | "finish" }
  | { id: number; step: "prepare" | "run"; round: number };
export type ChildAnswer = { id: number; value?: unknown; error?: string };

installNodeWebStorage();
let steps: SaveSteps | undefined;

async function handle(request: ChildRequest): Promise<unknown> {
  switch (request.step) {
    case "start":
      steps = localSteps([saveContenders()[request.index]], taskList(request.n), request.opts);
      return steps.names[0];
    case "seed":
      return steps!.seed(0);
    case "prepare":
      return steps!.prepare(0, request.round);
    case "run":
      return steps!.run(0, request.round);
    case "finish":
      return steps!.finish(0);
  }
}

process.on("message", (request: ChildRequest) => {
  handle(request).then(
    (value) => process.send!({ id: request.id, value } satisfies ChildAnswer),
    (error) => process.send!({ id: request.id, error: String((error as Error)?.stack ?? error) } satisfies ChildAnswer),
  );
});

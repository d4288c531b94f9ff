import { fork, type ChildProcess } from "child_process";
import * as path from "path";
import type { ChildAnswer, ChildRequest } from "./save-child";
import type { SaveSteps, SaveTimingOptions } from "./save-rounds";

/** A request without its id (the id is added when it is sent). */
type Request = ChildRequest extends infer R ? (R extends ChildRequest ? Omit<R, "id"> : never) : never;
type Ask = (request: Request) => Promise<unknown>;

/** A contender's process: answers one step at a time. */
function startChild(): { ask: Ask; stop(): void } {
  // TypeScript sources run through tsx, as the bench itself does. V8 does
  // all its work on the main thread (--single-threaded): the process's CPU
  // time is then the contender's own, not that of compiler threads still
  // optimising or of a collector thread marking at random moments. A
  // process waiting for its turn is idle, which V8's memory reducer answers
  // with a full collection some seconds later, inside whatever run comes
  // next (--no-memory-reducer): garbage is still collected as saves make it.
  const child: ChildProcess = fork(path.join(__dirname, "save-child.ts"), [], { execArgv: ["--require", "tsx/cjs", "--single-threaded", "--no-memory-reducer"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let next = 0;
  child.on("message", (answer: ChildAnswer) => {
    const asker = waiting.get(answer.id);
    waiting.delete(answer.id);
    if (answer.error !== undefined) asker?.reject(new Error(`P1 contender process: ${answer.error}`));
    else asker?.resolve(answer.value);
  });
  child.on("exit", (code) => {
    for (const asker of waiting.values()) asker.reject(new Error(`P1 contender process exited (${code}) before answering`));
    waiting.clear();
  });
  return {
    ask: (request) =>
      new Promise((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve, reject });
        child.send({ ...request, id } as ChildRequest);
      }),
    stop: () => void child.kill(),
  };
}

/**
 * P1's Node contenders, each in a process of its own (see save-child.ts),
 * with `n` records: the steps to time them in rounds, and `stop()`.
 */
export async function nodeContenderSteps(count: number, n: number, opts: SaveTimingOptions): Promise<SaveSteps & { stop(): void }> {
  const children = Array.from({ length: count }, startChild);
  try {
    const names = (await Promise.all(children.map((c, index) => c.ask({ step: "start", index, n, opts })))) as string[];
    return {
      names,
      seed: async (i) => void (await children[i].ask({ step: "seed" })),
      prepare: async (i, round) => void (await children[i].ask({ step: "prepare", round })),
      run: async (i, round) => (await children[i].ask({ step: "run", round })) as number,
      finish: async (i) => void (await children[i].ask({ step: "finish" })),
      stop: () => children.forEach((c) => c.stop()),
    };
  } catch (error) {
    children.forEach((c) => c.stop());
    throw error;
  }
}

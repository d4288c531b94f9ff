import type { ChildProcess } from "node:child_process";

const running = new Set<ChildProcess>();
const pids = new Set<number>();

/**
 * Keeps track of a process the bench started, so none outlives the bench:
 * when a case is cut off by its time limit its own cleanup never runs, and
 * a leftover server with 10,000 sockets would skew every later measurement.
 */
export function trackChild(child: ChildProcess): ChildProcess {
  watchExit();
  running.add(child);
  child.once("exit", () => running.delete(child));
  return child;
}

/** The same for a process known by its id only (redis-server from the spec support); returns the untrack function. */
export function trackPid(pid: number): () => void {
  watchExit();
  pids.add(pid);
  return () => pids.delete(pid);
}

let watching = false;
function watchExit(): void {
  if (watching) return;
  watching = true;
  process.once("exit", () => {
    for (const child of running) child.kill("SIGKILL");
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });
}

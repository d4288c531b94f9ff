import { MemoryChangeLog } from "../../server/live/memory-change-log";
import type { LiveChange } from "../../lib/live/live-protocol";

/**
 * A change log whose appends fail with `error`, as a Redis client's do when
 * Redis is busy or gone (e.g. the `redis` package's TimeoutError: a command
 * it gave up on before writing it, whose message is empty). Reading works.
 */
export class FailingChangeLog extends MemoryChangeLog {
  constructor(private readonly error: Error) {
    super(100);
  }

  override async append(_channel: string, _changes: LiveChange[]): Promise<number> {
    throw this.error;
  }
}

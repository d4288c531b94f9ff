import { LiveInputError, type LiveChange } from "../../server/live";

/** What the publisher needs of the live hub. */
interface Hub {
  publish(channel: string, change: LiveChange): Promise<number>;
}

/**
 * Publishes the API's committed changes to the live hub one after another,
 * so seqs follow commit order, and publishes a change again until it goes
 * through: a change committed while Redis is down (the publish fails after
 * its 5 s wait) is in the database, and Redis may come back with its
 * counters, so no client would see a gap and resync — dropped, it would
 * never reach a live client. Waits double from 1 s to 5 s (each try while
 * Redis is down takes 5 s more to fail), and the changes after it wait their
 * turn: back, Redis gets them within seconds. A publish that timed out here
 * but reached Redis goes out twice, which a client takes as the same state
 * again. Seqs follow this process's commit order; another process's changes
 * made meanwhile may come before or after them. A process stopped while
 * Redis is down leaves its waiting changes unpublished (they are in the
 * database: a client's next pull gets them), and says how many.
 */
export class LivePublisher {
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  /** Changes handed over and not published yet. */
  private waiting = 0;
  private wake?: () => void;

  constructor(
    private readonly hub: Hub,
    private readonly log: (line: string) => void,
    private readonly waits = { firstMs: 1000, maxMs: 5000 },
  ) {}

  publish(channel: string, change: LiveChange): void {
    this.waiting++;
    this.queue = this.queue.then(() => this.untilDone(channel, change)).finally(() => this.waiting--);
  }

  /** Stops retrying (the server is closing); what is still waiting is not published, and the log says how many. */
  close(): void {
    this.closed = true;
    this.wake?.();
    if (this.waiting > 0) this.log(`${this.waiting} committed change${this.waiting === 1 ? " was" : "s were"} not published to live clients (Redis did not take them); clients get them with their next pull`);
  }

  private async untilDone(channel: string, change: LiveChange): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        await this.hub.publish(channel, change);
        if (attempt > 0) this.log(`live publish of ${change.collection} ${change.id} went through after ${attempt} ${attempt === 1 ? "retry" : "retries"}`);
        return;
      } catch (error) {
        // A change the hub refuses will not be taken later either.
        if (error instanceof LiveInputError) return this.log(`live publish refused: ${error.message}`);
        if (attempt === 0) this.log(`live publish failed (${describe(error)}); trying again until it goes through`);
        await this.sleep(Math.min(this.waits.maxMs, this.waits.firstMs * 2 ** attempt));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref?.();
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function describe(error: unknown): string {
  const { name, message } = (error ?? {}) as { name?: string; message?: string };
  return message || name || String(error);
}

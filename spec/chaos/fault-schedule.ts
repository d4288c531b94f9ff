import type { Fault, WireRequest } from "../fakes/fake-network";
import type { SeededRandom } from "../fakes/seeded-random";

/** Relative weights of the faults a run draws from. */
const weights = {
  "drop-request": 3,
  "drop-response": 3,
  "status-500": 2,
  "status-503": 2,
  timeout: 2,
  duplicate: 2,
  reorder: 3,
};

/**
 * The faults of one run, drawn from its seed: each request fails with the
 * run's fault rate, in a kind chosen by weight. `down` cuts the network
 * entirely (an offline spell); `healed` turns every fault off for the drain.
 */
export class FaultSchedule {
  /** Share of requests that meet a fault, drawn per run. */
  readonly rate: number;
  down = false;
  healed = false;
  /** Faults injected so far, by kind ("offline" for requests lost in an offline spell). */
  readonly counts: Record<string, number> = {};

  constructor(private readonly random: SeededRandom) {
    this.rate = random.pick([0, 0.1, 0.25, 0.4, 0.6]);
  }

  decide(_request: WireRequest): Fault {
    if (this.healed) return { kind: "none" };
    if (this.down) {
      this.count("offline");
      return { kind: "drop-request" };
    }
    if (!this.random.chance(this.rate)) return { kind: "none" };
    const r = this.random;
    const kind = r.weighted(weights);
    this.count(kind);
    switch (kind) {
      case "drop-request":
        return { kind: "drop-request" };
      case "drop-response":
        return { kind: "drop-response" };
      case "status-500":
        return { kind: "status", status: 500 };
      case "status-503":
        return { kind: "status", status: 503, retryAfter: r.chance(0.3) ? r.between(1, 5) : undefined };
      case "timeout":
        return { kind: "timeout", reached: r.chance(0.5) };
      case "duplicate":
        return { kind: "duplicate", lag: r.between(0, 8000) };
      default:
        return { kind: "reorder", delay: r.between(200, 6000) };
    }
  }

  private count(kind: string): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
  }
}

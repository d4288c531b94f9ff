import type { Clock } from "../../lib/env/clock";

/** How often idle channels are looked for, at most (a scan of the channels this process holds). */
const SWEEP_EVERY_MS = 60_000;

interface Mark {
  seq: number;
  /**
   * Set by `start`: no change of the channel was delivered here yet; the
   * socket that joined has every change up to `seq`, but changes at or
   * below it may still be on their way for the others (a socket following
   * every channel), so they are not taken as delivered.
   */
  floor?: boolean;
  /** When a change of the channel was last delivered, or a socket started following it (clock ms). */
  at: number;
}

/**
 * Where delivery stands in this process: per channel, the last seq handed on
 * to the sockets. The Redis change log checks every change from pub/sub
 * against it to find holes, and catches these channels up after its
 * subscriber reconnects.
 *
 * Kept for every channel ever written, it grows for as long as the process
 * runs (a channel per user or per document). So a channel's mark is
 * forgotten once it had no change for `idleMs` and no socket of this process
 * follows it. That leaves the channel as a channel this process never saw,
 * which is already correct: its next change is delivered as it comes (no
 * socket here needs the ones before), and a socket that then joins marks
 * where it starts (ChangeLog.track), so the gap checks resume for it. A
 * channel a socket follows keeps its mark, and with it the catch-up.
 *
 *   delivered / tracked ──▶ marked ──idle for idleMs, and unfollowed, at a sweep──▶ forgotten
 *                              ▲                                                      │
 *                              └──────────── next change, or a socket joins ──────────┘
 */
export class DeliveredSeqs {
  private marks = new Map<string, Mark>();
  private timer: unknown;
  private followed: (channel: string) => boolean = () => true;

  constructor(private clock: Clock, private idleMs: number) {}

  get(channel: string): number | undefined {
    return this.marks.get(channel)?.seq;
  }

  has(channel: string): boolean {
    return this.marks.has(channel);
  }

  /** Whether the change `seq` of `channel` was delivered here already. */
  covers(channel: string, seq: number): boolean {
    const mark = this.marks.get(channel);
    return mark !== undefined && !mark.floor && seq <= mark.seq;
  }

  /** A socket joined a channel this process holds no mark for, with every change up to `seq` (see Mark.floor). */
  start(channel: string, seq: number): void {
    if (!this.marks.has(channel)) this.marks.set(channel, { seq, at: this.clock.now(), floor: true });
  }

  /** Records a delivery (updated in place: no allocation per change). */
  set(channel: string, seq: number): void {
    const mark = this.marks.get(channel);
    if (!mark) this.marks.set(channel, { seq, at: this.clock.now() });
    else {
      mark.seq = seq;
      mark.at = this.clock.now();
      mark.floor = false;
    }
  }

  channels(): IterableIterator<string> {
    return this.marks.keys();
  }

  get size(): number {
    return this.marks.size;
  }

  /** Every seq counts in another numbering now (a new epoch). */
  clear(): void {
    this.marks.clear();
  }

  /**
   * Sweeps every min(idleMs, 1 min) until `stop()`. `followed` says whether a
   * socket of this process follows a channel (the hub knows). The timer never
   * keeps the process alive on the system clock.
   */
  startSweeping(followed: (channel: string) => boolean): void {
    this.followed = followed;
    this.stop();
    const every = Math.min(this.idleMs, SWEEP_EVERY_MS);
    const arm = () => {
      this.timer = this.clock.setTimeout(() => {
        this.sweep();
        arm();
      }, every);
    };
    arm();
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Forgets the channels idle for `idleMs` that no socket here follows; returns how many. */
  sweep(): number {
    const before = this.clock.now() - this.idleMs;
    let forgotten = 0;
    for (const [channel, mark] of this.marks) {
      if (mark.at <= before && !this.followed(channel)) {
        this.marks.delete(channel);
        forgotten++;
      }
    }
    return forgotten;
  }
}

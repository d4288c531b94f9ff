import { valuesIn } from "./change-validation";

/**
 * How many JSON values one socket's frames may hold, read before a frame is
 * parsed: JSON.parse's cost follows the number of values more than the
 * size, and an authenticated socket sending 1 MiB frames of empty objects
 * (340,000 values each) held the event loop for every other socket
 * (`/health` answered in 2 s instead of 2 ms). A frame may hold `burst`
 * values at most; past that, the socket may send `perSecond` a second.
 * A sync request holds one record: tens of values, as a rule.
 */
export class ValueBudget {
  private left: number;
  private at: number;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    private readonly now: () => number,
  ) {
    this.left = burst;
    this.at = now();
  }

  /** Why the frame `text` is not to be parsed, if it is not; else it is counted and may be. */
  refusal(text: string): string | undefined {
    const values = valuesIn(text, this.burst + 1);
    if (values > this.burst) return `message holds more than ${this.burst} values; send fewer in one message`;
    const now = this.now();
    // A clock stepped back adds nothing.
    this.left = Math.min(this.burst, this.left + (Math.max(0, now - this.at) * this.perSecond) / 1000);
    this.at = now;
    if (values > this.left) return `more than ${this.perSecond} values a second from one socket; slow down: this message was not read`;
    this.left -= values;
    return undefined;
  }
}

import Spine from "spine";
import type { Atmos } from "atmos2";

/**
 * A banner while the server cannot be reached. Editing goes on: changes are
 * kept on this device and atmos2 sends them when the connection is back.
 */
export class OfflineBanner extends Spine.Controller {
  declare atmos: Atmos;

  constructor(options: { el: unknown; atmos: Atmos }) {
    super(options);
    this.atmos.on("offline", () => this.render());
    this.atmos.on("online", () => this.render());
    this.atmos.on("status", () => this.render());
    this.render();
  }

  render(): void {
    const { online, pending } = this.atmos.status();
    const what = pending === 0 ? "changes" : pending === 1 ? "your change" : `your ${pending} changes`;
    // The banner is a live region: a screen reader reads each write, so the
    // sentence is written only when it changes (status events come many a
    // second while offline). Emptied when online, so going offline again is read.
    const text = online ? "" : `You're offline. Keep working — ${what} will sync when you're back online.`;
    this.el.prop("hidden", online);
    if (this.el.text() !== text) this.el.text(text);
  }
}

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
    // The browser's own word says which: no network at all, or a network on
    // which the server does not answer (down, or a firewall): "offline" would
    // send the user to check a Wi-Fi that works.
    const deviceOffline = typeof navigator !== "undefined" && navigator.onLine === false;
    const text = online
      ? ""
      : deviceOffline
        ? `You're offline. Keep working — ${what} will sync when you're back online.`
        : `Can't reach the server. Keep working — ${what} will sync once it answers.`;
    this.el.prop("hidden", online);
    if (this.el.text() !== text) this.el.text(text);
  }
}

import Spine from "spine";
import type { Atmos } from "atmos2";
import type { AuthFlow } from "./auth-flow";

/**
 * A banner while changes cannot reach the server: it cannot be reached, or
 * (where nobody can sign in on this page: one token set on the server) it
 * refused this page's token. Editing goes on: changes are kept on this
 * device and atmos2 sends them once the server takes them.
 */
export class OfflineBanner extends Spine.Controller {
  declare atmos: Atmos;
  declare auth: AuthFlow;

  constructor(options: { el: unknown; atmos: Atmos; auth: AuthFlow }) {
    super(options);
    const render = () => this.render();
    this.atmos.on("offline", render);
    this.atmos.on("online", render);
    this.atmos.on("status", render);
    this.auth.onChange(render);
    this.render();
  }

  render(): void {
    const { online, pending } = this.atmos.status();
    const what = pending === 0 ? "changes" : pending === 1 ? "your change" : `your ${pending} changes`;
    const { needed, canSignIn } = this.auth.current;
    // The banner is a live region: a screen reader reads each write, so the
    // sentence is written only when it changes (status events come many a
    // second while offline). Emptied when online, so going offline again is read.
    // The browser's own word says which: no network at all, or a network on
    // which the server does not answer (down, or a firewall): "offline" would
    // send the user to check a Wi-Fi that works.
    const deviceOffline = typeof navigator !== "undefined" && navigator.onLine === false;
    const stays = pending === 0 ? "changes stay" : pending === 1 ? "your change stays" : `your ${pending} changes stay`;
    // Signing in is the pill's to offer; a token set on the server is only the server's owner to mend.
    const text = needed && !canSignIn
      ? `The server refused this page's token, so ${stays} on this device. Whoever runs the server: check TASKS_TOKEN, then reload this page.`
      : online
        ? ""
        : deviceOffline
          ? `You're offline. Keep working — ${what} will sync when you're back online.`
          : `Can't reach the server. Keep working — ${what} will sync once it answers.`;
    this.el.prop("hidden", !text);
    if (this.el.text() !== text) this.el.text(text);
  }
}

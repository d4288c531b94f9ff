import type { Atmos } from "atmos2";
import "atmos2/live"; // gives atmos.live

/**
 * Live updates: changes made elsewhere appear without a reload. Optional on
 * the server's side: it may not offer `/live`. A failure only shows as a
 * quiet hint; sync by pull keeps working.
 */
export function connectLive(atmos: Atmos, liveUrl: string | undefined, token: string | undefined, badge: HTMLElement): void {
  if (!liveUrl) return;
  const show = (state: "on" | "off" | "connecting", text: string, title: string) => {
    badge.hidden = false;
    badge.dataset.state = state;
    badge.textContent = text;
    badge.title = title;
  };
  show("connecting", "Live…", "Connecting for live updates");
  atmos.on("live:connected", () => show("on", "Live", "Changes made elsewhere appear here at once"));
  atmos.on("live:disconnected", () => show("connecting", "Live…", "Reconnecting for live updates"));
  // atmos.live resolves "/live" against this page and turns http(s) into ws(s).
  atmos.live.connect(liveUrl, { token }).then(
    () => show("on", "Live", "Changes made elsewhere appear here at once"),
    (error: Error) => show("off", "Live off", `Live updates are unavailable (${error?.message ?? "refused"}); changes from elsewhere appear on sync`),
  );
}

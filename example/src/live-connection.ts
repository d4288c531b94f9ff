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
  const on = () => show("on", "Live", "Changes made elsewhere appear here at once");
  show("connecting", "Live…", "Connecting for live updates");
  atmos.on("live:connected", on);
  atmos.on("live:disconnected", () => show("connecting", "Live…", "Reconnecting for live updates"));
  // Offline, a socket may look open for a while yet carry nothing: the badge
  // says what the status pill says, and Live again once the app is back.
  // (Refused, the client stays "idle": the badge keeps saying so.)
  atmos.on("offline", () => atmos.live.connectionState === "idle" || show("connecting", "Live…", "Offline: live updates resume once the connection is back"));
  atmos.on("online", () => atmos.live.connected && on());
  // atmos.live resolves "/live" against this page and turns http(s) into ws(s).
  atmos.live.connect(liveUrl, { token }).then(
    () => (atmos.status().online ? on() : undefined),
    (error: Error) => show("off", "Live off", `Live updates are unavailable (${error?.message ?? "refused"}); changes from elsewhere appear on sync`),
  );
}

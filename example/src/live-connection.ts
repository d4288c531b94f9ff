import type { Atmos } from "atmos2";

/** The part of `atmos.live` (API.md "Live updates") the app uses. */
interface LiveClient {
  connect(url: string, options: { token?: string }): Promise<void>;
  readonly connected: boolean;
}

/**
 * Live updates: changes made elsewhere appear without a reload. Optional on
 * both sides: the library may be built without `atmos.live`, and the server
 * may not offer `/live`. A failure only shows as a quiet hint; sync by pull
 * keeps working.
 */
export function connectLive(atmos: Atmos, liveUrl: string | undefined, token: string | undefined, badge: HTMLElement): void {
  const live = (atmos as unknown as { live?: LiveClient }).live;
  if (!liveUrl || !live || typeof live.connect !== "function") return;
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
  live.connect(liveUrl, { token }).then(
    () => show("on", "Live", "Changes made elsewhere appear here at once"),
    (error: Error) => show("off", "Live off", `Live updates are unavailable (${error?.message ?? "refused"}); changes from elsewhere appear on sync`),
  );
}

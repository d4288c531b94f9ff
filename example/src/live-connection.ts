import type { Atmos, LiveConnectionState } from "atmos2";

/** The part of `atmos.live` (API.md "Live updates") the app uses. */
interface LiveClient {
  connect(url: string, options: { token?: string }): Promise<void>;
  readonly connected: boolean;
  readonly connectionState: LiveConnectionState;
  /** Last applied sequence number per channel. */
  readonly seq: Record<string, number>;
}

/** `atmos.live`, or undefined when this build has no live client (reading it then throws). */
export function liveClient(atmos: Atmos): LiveClient | undefined {
  try {
    const live = (atmos as unknown as { live?: LiveClient }).live;
    return live && typeof live.connect === "function" ? live : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Live updates: changes made elsewhere appear without a reload. Optional on
 * both sides: the library may be built without `atmos.live`, and the server
 * may not offer `/live`. A failure only shows as a quiet hint; sync by pull
 * keeps working.
 */
export function connectLive(atmos: Atmos, liveUrl: string | undefined, token: string | undefined, badge: HTMLElement): void {
  const live = liveClient(atmos);
  if (!liveUrl || !live) return;
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

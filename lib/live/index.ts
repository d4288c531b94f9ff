// The "atmos2/live" entry: importing it gives every Atmos instance `atmos.live`.
import "./install";

import { LiveClient } from "./live-client";

// The UMD file exports the class itself: `const { LiveClient } = require(…)`
// of it (a tool without exports maps, through atmos2/live/package.json) finds
// the class too, as `require("atmos2").Atmos` does.
(LiveClient as unknown as Record<string, unknown>).LiveClient = LiveClient;

export { LiveClient };
export type { LiveClientOptions, LiveConnectionState, LiveConnectOptions, LiveSocket, LiveSocketConstructor } from "./live-client";
export type { LiveHost, LiveEvents } from "./live-host";
export { reconnectDelay } from "./reconnect-backoff";
export type { BackoffOptions } from "./reconnect-backoff";
export * from "./live-protocol";

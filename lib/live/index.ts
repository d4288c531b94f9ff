// The "atmos2/live" entry: importing it gives every Atmos instance `atmos.live`.
import "./install";

export { LiveClient } from "./live-client";
export type { LiveClientOptions, LiveConnectionState, LiveConnectOptions, LiveSocket, LiveSocketConstructor } from "./live-client";
export type { LiveHost, LiveEvents } from "./live-host";
export { reconnectDelay } from "./reconnect-backoff";
export type { BackoffOptions } from "./reconnect-backoff";
export * from "./live-protocol";

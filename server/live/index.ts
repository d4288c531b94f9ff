// Node only: its declarations use Node's types (node:http, Buffer), so they bring them, also
// where a project lists no `types` (TypeScript 6's default).
/// <reference types="node" preserve="true" />
export { createLiveServer } from "./live-server";
export type { LiveServer, LiveServerOptions } from "./live-server";
export type { AuthFailureCounter } from "./address-window";
export { GuessWindow, guessSource } from "./guess-window";
export { LiveHub, EVERY_CHANNEL } from "./live-hub";
export type { ChannelSubscriber } from "./live-hub";
export { Backend } from "./backend";
export type { BackendRequest, BackendResponse, Middleware } from "./backend";
export { memoryStore } from "./memory-store";
export { sqliteStore } from "./sqlite-store";
export type { SqliteStoreOptions } from "./sqlite-store";
export { redisStore } from "./redis-store";
export type { RedisStoreOptions, RedisStoreMiddleware } from "./redis-store";
export { capConnectionsPerAddress } from "./connection-cap";
export { tokenListAuthenticator } from "./authenticate";
export type { Authenticate, AuthDecision } from "./authenticate";
export type { AllowedOrigins } from "./origin-check";
export type { AllowedHosts } from "./host-check";
export { LiveInputError } from "./change-validation";
export type { LiveLog, LiveLogEvent } from "./live-log";
export type { SequencedChange } from "./change-log";
export type { LiveChange, LiveChangeType } from "../../lib/live/live-protocol";
export type { Clock } from "../../lib/env/clock";

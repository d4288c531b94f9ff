/// <reference path="../types/spine.d.ts" preserve="true" />
// The client core (`import Atmos from "atmos2"`). The live client and the
// IndexedDB store are entries of their own: "atmos2/live", "atmos2/indexeddb".
import { AppContext } from "./app-context";
import { Atmos } from "./atmos";
import { Atmosphere } from "./atmosphere";

AppContext.install(Atmosphere);

export { Atmos, Atmosphere, AppContext };
export type { AtmosEvents, AtmosOptions, SyncStatus, ConflictEvent } from "./atmos";
export type { ModelOptions } from "./app-context";
export type { AtmosRecord, SaveOptions, RemoteKeys, SyncOptions } from "./model-types";
export type { RecordRef } from "./atmos";
export type { PullOptions } from "./sync/puller";
export type { FailedResponse, OfflineStatusCodes } from "./sync/retry-policy";
export { MetaContext, remoteAction } from "./meta-context";
export { ResourceClient } from "./sync/resource-client";
export type { BeforeRequest, DataCoding, ExecuteOptions, FetchLike, OutgoingRequest, ResponseData } from "./sync/resource-client";
export { SyncError } from "./sync/sync-error";
export type { ErrorPayload, SyncErrorType } from "./sync/sync-error";
export type { Action, RouteSet, RouteTable } from "./sync/routes";
export { WebStorageStore } from "./store/web-storage-store";
export type { WebStorage } from "./store/web-storage-store";
export { StorageLease, WebLocksLease, soleTab } from "./env/tab-lease";
export type { TabLease } from "./env/tab-lease";
export type { ChangeFeed } from "./store/change-feed";
export type { Store, StoreOp } from "./store/store";
export type { SyncState, PlainRecord, RecordEntry, OutboxOp, AttemptError } from "./store/record-entry";
export type { OutboxRow, OutboxRowState } from "./sync/outbox-rows";
export type { LiveConnectionState } from "./live/live-client";
export { ManualConnectivity, browserConnectivity } from "./env/connectivity";
export type { Connectivity } from "./env/connectivity";
export type { Clock } from "./env/clock";
export type { Random } from "./env/uuid";
export default Atmos;

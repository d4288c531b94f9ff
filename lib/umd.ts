// Entry of the UMD/CommonJS build: `require("atmos2")` and the browser global
// `Atmos` are the class itself, with every named export on it (and `.default`).
// (spec/lib/umd-entry.spec.ts checks it carries every named export of lib/index.ts.)
// The names are listed, not taken as `import * as api`: a namespace object
// costs the bundle webpack's runtime for it (a getter per export).
import { AppContext, Atmos, Atmosphere, ManualConnectivity, MetaContext, ResourceClient, StorageLease, SyncError, WebLocksLease, WebStorageStore, browserConnectivity, remoteAction, soleTab } from "./index";

// In the order a module namespace object has them (by code unit, so `default` after browserConnectivity), as before.
const api = { AppContext, Atmos, Atmosphere, ManualConnectivity, MetaContext, ResourceClient, StorageLease, SyncError, WebLocksLease, WebStorageStore, browserConnectivity, default: Atmos, remoteAction, soleTab };
export default Object.assign(Atmos, api);

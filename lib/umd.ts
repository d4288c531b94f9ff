// Entry of the UMD/CommonJS build: `require("atmos2")` and the browser global
// `Atmos` are the class itself, with every named export on it (and `.default`).
// Listed by name rather than as `import * as`: a namespace object costs the
// bundle a getter per export and webpack's helpers to define them.
// (spec/lib/umd-entry.spec.ts checks the list against lib/index.ts.)
import {
  Atmos,
  Atmosphere,
  AppContext,
  MetaContext,
  remoteAction,
  ResourceClient,
  SyncError,
  WebStorageStore,
  StorageLease,
  WebLocksLease,
  soleTab,
  ManualConnectivity,
  browserConnectivity,
} from "./index";

export default Object.assign(Atmos, {
  Atmos,
  Atmosphere,
  AppContext,
  MetaContext,
  remoteAction,
  ResourceClient,
  SyncError,
  WebStorageStore,
  StorageLease,
  WebLocksLease,
  soleTab,
  ManualConnectivity,
  browserConnectivity,
  default: Atmos,
});

// Entry of the UMD/CommonJS build: `require("atmos2")` and the browser global
// `Atmos` are the class itself, with every named export on it (and `.default`).
// The names are listed rather than taken from `import * as`: a namespace
// object costs the browser file webpack's runtime helpers.
// (spec/lib/umd-entry.spec.ts checks it carries every named export of lib/index.ts.)
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

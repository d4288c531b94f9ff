import * as path from "path";

/** One device's copy of atmos2, Spine and the models (see device-modules.ts). */
export type DeviceModules = typeof import("./device-modules");

const root = path.resolve(__dirname, "../..");
/** Modules a device must not share with another: the library, Spine, and the models file. */
const ownedByDevice = (file: string) =>
  file.startsWith(path.join(root, "lib") + path.sep) ||
  file.startsWith(path.join(root, "node_modules", "spine") + path.sep) ||
  file === path.join(__dirname, "device-modules.ts");

/**
 * Loads device-modules.ts with a module cache of its own for the library and
 * Spine: a second "browser" in this process. Spine's models, atmos2's model
 * registry and `Atmos.instance` are module state, so two devices need two
 * copies. The process's own copies (other specs') are left as they were.
 */
export function loadDevice(): DeviceModules {
  const cache = require.cache;
  const before = new Map<string, NodeModule | undefined>();
  for (const key of Object.keys(cache)) if (ownedByDevice(key)) before.set(key, cache[key]);
  for (const key of before.keys()) delete cache[key];
  try {
    return require("./device-modules") as DeviceModules;
  } finally {
    for (const key of Object.keys(cache)) if (ownedByDevice(key)) delete cache[key];
    for (const [key, mod] of before) cache[key] = mod;
  }
}

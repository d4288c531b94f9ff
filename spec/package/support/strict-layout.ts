import fs from "node:fs";
import path from "node:path";
import type { ConsumerProject } from "./consumer-project";

/**
 * The installed package laid out as pnpm lays it out, in a folder of its own
 * next to the consumer project (so nothing resolves from that project's
 * node_modules):
 *
 *   <dir>/node_modules/atmos2 -> .pnpm/atmos2@<v>/node_modules/atmos2
 *   <dir>/node_modules/spine  -> .pnpm/spine@<v>/node_modules/spine
 *   <dir>/node_modules/.pnpm/atmos2@<v>/node_modules/{atmos2, spine ->, ws ->}
 *
 * The app sees only its own dependencies (atmos2, spine); atmos2's dependency
 * `ws` sits next to atmos2's real folder, where only atmos2 finds it. Without
 * `ws`, it is a project where `ws` is not installed at all.
 */
export function strictLayout(app: ConsumerProject, name: string, options: { ws: boolean }): string {
  const dir = path.join(path.dirname(app.dir), name);
  const modules = path.join(dir, "node_modules");
  const store = path.join(modules, ".pnpm");
  /** Copies an installed package into the store; returns its folder there. */
  const place = (pkg: string): string => {
    const from = path.join(app.dir, "node_modules", pkg);
    const version = (JSON.parse(fs.readFileSync(path.join(from, "package.json"), "utf8")) as { version: string }).version;
    const to = path.join(store, `${pkg}@${version}`, "node_modules", pkg);
    fs.cpSync(from, to, { recursive: true, dereference: true });
    return to;
  };
  const link = (target: string, at: string) => {
    fs.mkdirSync(path.dirname(at), { recursive: true });
    fs.symlinkSync(path.relative(path.dirname(at), target), at, "dir");
  };

  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(modules, { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, version: "1.0.0", private: true }));
  const atmos2 = place("atmos2");
  const spine = place("spine");
  const atmos2Modules = path.dirname(atmos2);
  link(spine, path.join(atmos2Modules, "spine")); // a peer: linked next to atmos2, as pnpm does
  if (options.ws) link(place("ws"), path.join(atmos2Modules, "ws"));
  link(atmos2, path.join(modules, "atmos2"));
  link(spine, path.join(modules, "spine"));
  return dir;
}

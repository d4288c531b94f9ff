import * as fs from "fs";
import * as path from "path";
import webpack from "webpack";

const root = path.resolve(__dirname, "../..");
export const umdBundle = path.join(root, "dist", "atmos2.js");
const sources = [path.join(root, "lib"), path.join(root, "webpack.config.js"), path.join(root, "tsconfig.json")];

function newestMtime(entry: string): number {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

/** True when dist/atmos2.js is missing or older than a file it is built from. */
export function umdIsStale(): boolean {
  if (!fs.existsSync(umdBundle)) return true;
  return Math.max(...sources.filter((s) => fs.existsSync(s)).map(newestMtime)) > fs.statSync(umdBundle).mtimeMs;
}

/**
 * Builds the UMD bundle (the `umd` entry of webpack.config.js, as
 * `npx webpack --mode production --config-name umd` does) when it is missing
 * or stale, so the pages always load the current lib/ and `npm test` works
 * on a fresh clone.
 */
export async function buildUmdIfStale(log: (line: string) => void): Promise<void> {
  if (!umdIsStale()) return;
  log("building dist/atmos2.js (webpack, umd entry)");
  const configs = require(path.join(root, "webpack.config.js"))({}, { mode: "production" }) as webpack.Configuration[];
  const umd = configs.find((config) => config.name === "umd");
  if (!umd) throw new Error("webpack.config.js has no configuration named \"umd\"; the Spine specs need dist/atmos2.js");
  await new Promise<void>((resolve, reject) => {
    webpack(umd, (error, stats) => {
      if (error) return reject(error);
      if (stats?.hasErrors()) return reject(new Error(`Building dist/atmos2.js failed:\n${stats.toString("errors-only")}`));
      resolve();
    });
  });
}

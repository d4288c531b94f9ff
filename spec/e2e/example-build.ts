import * as fs from "fs";
import * as path from "path";
import webpack from "webpack";

const root = path.resolve(__dirname, "../..");
const dist = path.join(root, "example/dist");
const outputs = ["app.js", "app.css", "task-rows.css", "narrow.css", "index.html", "sw.js"].map((name) => path.join(dist, name));
const sources = [path.join(root, "example"), path.join(root, "lib"), path.join(root, "types")];

function newestMtime(entry: string): number {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const name of fs.readdirSync(entry)) {
    if (name === "dist" || name === "node_modules") continue;
    newest = Math.max(newest, newestMtime(path.join(entry, name)));
  }
  return newest;
}

/** True when example/dist is missing a file or older than a source it is built from. */
export function exampleIsStale(): boolean {
  if (!outputs.every((file) => fs.existsSync(file))) return true;
  const built = Math.min(...outputs.map((file) => fs.statSync(file).mtimeMs));
  return Math.max(...sources.filter((s) => fs.existsSync(s)).map(newestMtime)) > built;
}

/**
 * Builds the example with webpack's Node API (as `npm start` does with the
 * CLI) when example/dist is missing or stale, so the specs always drive the
 * current code.
 */
export async function buildExampleIfStale(): Promise<void> {
  if (!exampleIsStale()) return;
  const configFactory = require(path.join(root, "example/webpack.config.js"));
  const config = configFactory({}, { mode: "development" });
  await new Promise<void>((resolve, reject) => {
    webpack(config, (error, stats) => {
      if (error) return reject(error);
      if (stats?.hasErrors()) return reject(new Error(`Building the example failed:\n${stats.toString("errors-only")}`));
      resolve();
    });
  });
}

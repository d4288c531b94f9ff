import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import webpack from "webpack";

const root = path.resolve(__dirname, "../../..");

export interface Es5Build {
  /** Folder holding the fresh builds. */
  dir: string;
  /** File names written there: atmos2.es5.js, and one per other UMD build. */
  files: string[];
}

async function build(): Promise<Es5Build> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-es5-"));
  process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  const configs = (require(path.join(root, "webpack.es5.config.js")) as (env: object, argv: object) => webpack.Configuration[])({}, { mode: "production" });
  if (configs.length === 0) throw new Error("webpack.es5.config.js made no configuration: webpack.config.js has no UMD build to derive one from");
  const withDir = configs.map((config) => ({ ...config, context: root, output: { ...config.output, path: dir } }));
  await new Promise<void>((resolve, reject) => {
    webpack(withDir, (error, stats) => {
      if (error) return reject(error);
      if (stats?.hasErrors()) return reject(new Error(`The ES5 build failed:\n${stats.toString("errors-only")}`));
      resolve();
    });
  });
  return { dir, files: fs.readdirSync(dir).filter((f) => f.endsWith(".js")).sort() };
}

let once: Promise<Es5Build> | undefined;

/**
 * The ES5 builds as `npm run build` makes them (webpack.es5.config.js), made
 * afresh from this checkout into a temp folder once per mocha run, so the
 * specs never read a stale dist/ nor race a build writing it.
 */
export function es5Build(): Promise<Es5Build> {
  once ??= build();
  return once;
}

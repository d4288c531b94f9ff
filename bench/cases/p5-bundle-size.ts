import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import type { BenchCase } from "../bench-types";
import { compareRow } from "../compare-row";
import { atMost } from "../goal";

const root = path.resolve(__dirname, "../..");
const kB = (bytes: number) => bytes / 1000;
const gzip = (code: string | Buffer) => zlib.gzipSync(code, { level: 9 }).length;

/**
 * Builds dist/atmos2.js as `npm run build` does (the root webpack.config.js,
 * its "umd" build, Spine external), into a temp dir so a build running in the
 * working tree is not disturbed. Without that config, bundles lib/umd.ts.
 */
async function buildUmd(configName = "webpack.config.js", buildName = "umd"): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const webpack = require("webpack");
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-bench-dist-"));
  const configFile = path.join(root, configName);
  let config: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  if (fs.existsSync(configFile)) {
    const exported = require(configFile);
    const configs = typeof exported === "function" ? exported({}, { mode: "production" }) : exported;
    config = (Array.isArray(configs) ? configs : [configs]).find((c: any) => c.name === buildName || (buildName === "umd" && /umd/.test(String(c.entry)))) ?? configs[0]; // eslint-disable-line @typescript-eslint/no-explicit-any
  } else {
    config = {
      entry: "./lib/umd.ts",
      output: { filename: "atmos2.js", library: { name: "Atmos", type: "umd", export: "default" }, globalObject: "globalThis" },
      externals: { spine: { commonjs: "spine", commonjs2: "spine", amd: "spine", root: "Spine" } },
      module: { rules: [{ test: /\.ts$/, loader: "ts-loader", options: { transpileOnly: true } }] },
      resolve: { extensions: [".ts", ".js"] },
    };
  }
  config = { ...config, mode: "production", context: root, devtool: false, output: { ...config.output, path: outDir } };
  await new Promise<void>((resolve, reject) => {
    webpack(config, (error: Error | null, stats: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      if (error) return reject(error);
      if (stats.hasErrors()) return reject(new Error(`atmos2 build failed:\n${stats.toString({ all: false, errors: true })}`));
      resolve();
    });
  });
  const file = path.join(outDir, config.output.filename ?? "atmos2.js");
  const code = fs.readFileSync(file, "utf8");
  fs.rmSync(outDir, { recursive: true, force: true });
  return code;
}

/** P5: every UMD file minified and gzipped; the core next to Spine's own ajax.js + local.js. */
export const p5BundleSize: BenchCase = {
  id: "P5",
  title: "bundle size, min+gz",
  budgetMs: 150_000, // four webpack builds; Babel makes the ES5 one slow
  async run(ctx) {
    // The ES5 build (webpack.es5.config.js, for Hem and the Rails asset
    // pipeline) is reported next to the modern one: what ES5 costs.
    // The optional parts' UMD files (loaded after dist/atmos2.js) are
    // reported on their own: what an app pays for live updates or IndexedDB.
    const [ours, es5, live, indexeddb] = await Promise.all([
      buildUmd(),
      buildUmd("webpack.es5.config.js", "umd-es5"),
      buildUmd("webpack.config.js", "umd-live"),
      buildUmd("webpack.config.js", "umd-indexeddb"),
    ]);
    const { minify } = await import("terser");
    const spineDir = path.dirname(require.resolve("spine/lib/ajax.js"));
    const spineCode = ["ajax.js", "local.js"].map((f) => fs.readFileSync(path.join(spineDir, f), "utf8")).join("\n;\n");
    const spineMin = (await minify(spineCode, { compress: true, mangle: true })).code ?? "";
    ctx.log(`P5 atmos2.js ${ours.length} B min, atmos2.es5.js ${es5.length} B min, atmos2-live.js ${live.length} B min, atmos2-indexeddb.js ${indexeddb.length} B min, Spine ajax+local ${spineMin.length} B min`);
    const part = (file: string, code: string, what: string) =>
      compareRow({
        id: "P5",
        name: `${file} (${what}), minified + gzipped`,
        unit: "kB",
        ours: [kB(gzip(code))],
        peer: [kB(gzip(ours))],
        peerName: "dist/atmos2.js (the core it attaches to)",
        goal: "reported (an optional part, loaded after dist/atmos2.js)",
        judge: (m) => ({ met: Number.isFinite(m.ours) }),
        note: `minified: ${file} ${kB(code.length).toFixed(1)} kB, gzip level 9.`,
      });
    return [
      compareRow({
        id: "P5",
        name: "dist/atmos2.js, minified + gzipped (Spine external)",
        unit: "kB",
        ours: [kB(gzip(ours))],
        peer: [kB(gzip(spineMin))],
        peerName: "Spine ajax.js + local.js",
        goal: "≤ 10 kB",
        judge: (m) => atMost(m.ours, 10, "kB"),
        note: `minified: atmos2 ${kB(ours.length).toFixed(1)} kB, Spine ajax.js + local.js ${kB(spineMin.length).toFixed(1)} kB (terser), gzip level 9.`,
      }),
      compareRow({
        id: "P5",
        name: "dist/atmos2.es5.js (ES5 build), minified + gzipped (Spine external)",
        unit: "kB",
        ours: [kB(gzip(es5))],
        peer: [kB(gzip(ours))],
        peerName: "dist/atmos2.js (modern)",
        goal: "reported (ES5 syntax costs size: classes, for-of and async as ES5)",
        judge: (m) => ({ met: Number.isFinite(m.ours) }),
        note: `minified: atmos2.es5.js ${kB(es5.length).toFixed(1)} kB, atmos2.js ${kB(ours.length).toFixed(1)} kB, gzip level 9.`,
      }),
      part("dist/atmos2-live.js", live, "live client"),
      part("dist/atmos2-indexeddb.js", indexeddb, "IndexedDB store"),
    ];
  },
};

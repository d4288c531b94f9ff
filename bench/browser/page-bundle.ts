import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * Bundles a bench page entry (TypeScript, with Spine, Backbone and atmos2
 * from source) with webpack's Node API, into a temp dir. Not minified: the
 * page should run the same code the Node run does.
 */
export async function buildPageBundle(entry: string): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const webpack = require("webpack");
  const root = path.resolve(__dirname, "../..");
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-bench-page-"));
  const config = {
    mode: "production",
    context: root,
    entry: path.resolve(entry),
    devtool: false,
    target: "web",
    output: { path: outDir, filename: "page.js" },
    optimization: { minimize: false },
    performance: { hints: false },
    resolve: { extensions: [".ts", ".js"] },
    module: {
      rules: [
        {
          test: /\.ts$/,
          loader: "ts-loader",
          options: { configFile: path.join(root, "tsconfig.json"), transpileOnly: true, compilerOptions: { module: "esnext", moduleResolution: "bundler" } },
        },
      ],
    },
  };
  await new Promise<void>((resolve, reject) => {
    webpack(config, (error: Error | null, stats: any) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      if (error) return reject(error);
      if (stats.hasErrors()) return reject(new Error(`bench page bundle failed:\n${stats.toString({ all: false, errors: true })}`));
      resolve();
    });
  });
  return path.join(outDir, "page.js");
}

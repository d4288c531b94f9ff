import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { es5Build } from "./es5-build";

const root = path.resolve(__dirname, "../../..");
const fixture = path.resolve(__dirname, "../tasks-app");
const shim = path.join(__dirname, "hem-lookup-shim.js");

export interface HemApp {
  dir: string;
  /** public/application.js as Hem wrote it. */
  bundle: string;
  /** What `hem build` printed. */
  output: string;
  /** The files `npm pack` puts in the package (its `files`), as copied. */
  packed: string[];
}

function run(command: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, output: String(stdout) + String(stderr) });
    });
  });
}

/** The file list of `npm pack` for this checkout, without running prepack's build. */
async function packList(): Promise<string[]> {
  const listed = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], root);
  if (listed.code !== 0) throw new Error(`npm pack --dry-run failed:\n${listed.output}`);
  const json = listed.output.slice(listed.output.indexOf("["));
  const [summary] = JSON.parse(json) as { files: { path: string }[] }[];
  return summary.files.map((f) => f.path);
}

/**
 * A CoffeeScript Spine app (spec/hem/tasks-app) in a temp folder, with
 * spine, jquery and atmos2 in its node_modules as an install gives them
 * (atmos2: the packed files, with dist/ from a fresh ES5 build), built by
 * Hem 1.0.10 (`hem build`, with the Node 20 lookup shim preloaded).
 */
export async function buildHemApp(): Promise<HemApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-hem-app-"));
  process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync(fixture, dir, { recursive: true });

  const modules = path.join(dir, "node_modules");
  for (const name of ["spine", "jquery"]) fs.cpSync(path.join(root, "node_modules", name), path.join(modules, name), { recursive: true });

  const pkg = path.join(modules, "atmos2");
  const packed = await packList();
  for (const file of packed) {
    if (file.startsWith("dist/")) continue; // dist/ comes from the fresh build below
    fs.cpSync(path.join(root, file), path.join(pkg, file), { recursive: true });
  }
  const es5 = await es5Build();
  fs.cpSync(es5.dir, path.join(pkg, "dist"), { recursive: true });

  const hem = path.join(root, "node_modules", "hem", "bin", "hem");
  const built = await run(process.execPath, ["-r", shim, hem, "build"], dir);
  const target = path.join(dir, "public", "application.js");
  if (built.code !== 0 || !fs.existsSync(target)) throw new Error(`hem build failed (exit ${built.code}):\n${built.output}`);
  return { dir, bundle: fs.readFileSync(target, "utf8"), output: built.output, packed };
}

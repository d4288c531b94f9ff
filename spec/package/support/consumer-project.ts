import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * The package as a new user gets it: `npm pack` of this checkout (which runs
 * `prepack`, the build) and `npm install --offline <tarball>` in an empty
 * project in a temp folder, outside this repository so nothing resolves from
 * its node_modules. Made once per mocha run and shared by the spec files.
 */
export interface ConsumerProject {
  /** The empty project the tarball was installed into. */
  dir: string;
  tarball: string;
  /** What `npm pack --json` said about the tarball. */
  pack: PackSummary;
  /** Runs a command in the project with a clean environment; never rejects. */
  run(command: string, args: string[], options?: RunOptions): Promise<RunResult>;
  /** Runs `node -e <source>` (CommonJS) or, with `.mjs`, an ES module file written for it. */
  node(source: string, kind?: "cjs" | "mjs"): Promise<RunResult>;
}

export interface PackSummary {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string; size: number }[];
}

export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

const root = path.resolve(__dirname, "../../..");

// What the consumer installs next to atmos2: the versions this checkout has
// installed, as the tarballs `npm ci` put in npm's cache (cachedTarballs), so
// the offline install finds them.
const companions = ["spine", "jquery", "typescript", "@types/node", "core-js-bundle", "whatwg-fetch"];

type LockEntry = { version: string; dependencies?: Record<string, string> };

/**
 * Each of `names` and what it depends on, as package-lock.json has them,
 * each as the tarball URL `npm ci` fetched it from (and so keyed it in npm's
 * cache by). A name with a version (\`x@1.2.3\`) would need the registry's
 * list of versions, which `npm ci` never fetches: an offline install then
 * fails ENOTCACHED on a machine that has only run `npm ci`.
 */
function cachedTarballs(names: string[]): string[] {
  const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8")) as { packages: Record<string, LockEntry> };
  const registry = (process.env.npm_config_registry || "https://registry.npmjs.org/").replace(/\/?$/, "/");
  const specs = new Map<string, string>();
  const visit = (name: string, from?: string) => {
    // As node resolves: the copy nested under the dependent first, then the top-level one.
    const key = [from && `${from}/node_modules/${name}`, `node_modules/${name}`].find((k) => k && lock.packages[k]);
    if (!key || specs.has(name)) return;
    const entry = lock.packages[key];
    specs.set(name, `${name}@${registry}${name}/-/${name.split("/").pop()}-${entry.version}.tgz`);
    for (const dep of Object.keys(entry.dependencies ?? {})) visit(dep, key);
  };
  for (const name of names) visit(name);
  return [...specs.values()];
}

/** The environment of a user's shell: no npm script variables of this repo, no loaders. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === "NODE_OPTIONS" || key === "INIT_CWD") continue;
    if (key.startsWith("npm_") && key !== "npm_config_cache" && key !== "npm_config_userconfig") continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: cleanEnv(options.env), timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** npm pack prints the prepack build's output before its JSON: take the JSON. */
function parsePackJson(stdout: string): PackSummary {
  const start = stdout.lastIndexOf("\n[\n") >= 0 ? stdout.lastIndexOf("\n[\n") + 1 : stdout.indexOf("[\n");
  if (start < 0) throw new Error(`npm pack printed no JSON:\n${stdout.slice(-2000)}`);
  const [summary] = JSON.parse(stdout.slice(start)) as PackSummary[];
  return summary;
}

function describeFailure(what: string, result: RunResult): Error {
  return new Error(`${what} exited with ${result.code}:\n${(result.stdout + result.stderr).slice(-4000)}`);
}

async function make(): Promise<ConsumerProject> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "atmos2-consumer-"));
  process.once("exit", () => fs.rmSync(work, { recursive: true, force: true }));
  const packDir = path.join(work, "pack");
  const dir = path.join(work, "app");
  fs.mkdirSync(packDir);
  fs.mkdirSync(dir);

  const packed = await run("npm", ["pack", "--json", "--pack-destination", packDir], { cwd: root, timeoutMs: 600_000 });
  if (packed.code !== 0) throw describeFailure("npm pack (with its prepack build)", packed);
  const pack = parsePackJson(packed.stdout);
  const tarball = path.join(packDir, pack.filename);

  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "atmos2-consumer", version: "1.0.0", private: true }, null, 2));
  // The package's own dependencies at the versions the cache holds (see companions).
  const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  const names = [...Object.keys(manifest.dependencies ?? {}), ...companions];
  const install = (specs: string[]) => run("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball, ...specs], { cwd: dir, timeoutMs: 300_000 });
  const specs = cachedTarballs(names);
  const installed = await install(specs);
  // npm's cache lacks one when this node_modules was not filled by `npm ci`
  // (npm says ENOTCACHED): run `npm ci` first, as .ci/run does.
  if (installed.code !== 0) throw describeFailure(`npm install --offline ${path.basename(tarball)} ${specs.join(" ")} (after \`npm ci\`, npm's cache holds them)`, installed);

  let scripts = 0;
  return {
    dir,
    tarball,
    pack,
    run: (command, args, options = {}) => run(command, args, { cwd: dir, ...options }),
    node(source, kind = "cjs") {
      if (kind === "cjs") return run(process.execPath, ["-e", source], { cwd: dir });
      const file = path.join(dir, `script-${++scripts}.mjs`);
      fs.writeFileSync(file, source);
      return run(process.execPath, [file], { cwd: dir });
    },
  };
}

let project: Promise<ConsumerProject> | undefined;

/** The packed and installed package (made on first use, then shared). */
export function consumerProject(): Promise<ConsumerProject> {
  project ??= make();
  return project;
}

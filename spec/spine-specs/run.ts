// Spine's own published model specs (model, model.local, model.relation,
// ajax), for every Spine version in spine-versions.ts, in headless Chromium:
// once on plain Spine and once with every model extended with
// Spine.Model.Atmosphere. The rule checked: every spec that passes plain
// passes extended. A spec failing on plain Spine is shown but not counted.
//
//   npx tsx spec/spine-specs/run.ts            every version
//   npx tsx spec/spine-specs/run.ts 1.2.2      one version
//
// Ends with "N passed, N failed", counting each spec of each run.
import { chromium, type Browser } from "playwright-core";
import { judge, runCounts, type RunResult, type SpecResult } from "./compare-runs";
import { startSpecServer, type RunMode, type SpecServer } from "./spec-server";
import { spineVersions, type SpinePage, type SpineVersion } from "./spine-versions";
import { buildUmdIfStale } from "./umd-build";

const executablePath = process.env.CHROME_BIN || "/usr/bin/chromium";
const flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
/** Each page runs its specs in well under a second; this only catches a hung page. */
const pageTimeoutMs = 60_000;

interface PageOutcome {
  specs: SpecResult[];
  errors: string[];
  consoleErrors: string[];
  /** Extended runs: model classes extended, and atmos2's keys in localStorage at the end (evidence it was there). */
  extendedModels: number;
  atmosKeys: number;
}

interface Collected {
  done: boolean;
  specs: Array<{ name: string; status: string; messages: string[] }>;
  errors: string[];
}

async function runPage(browser: Browser, server: SpecServer, version: SpineVersion, page: SpinePage, mode: RunMode): Promise<PageOutcome> {
  // A context of its own per page: an empty localStorage, so neither Spine's
  // Local specs nor atmos2's storage see what an earlier run left.
  const context = await browser.newContext();
  const tab = await context.newPage();
  const errors: string[] = [];
  const consoleErrors: string[] = [];
  tab.on("pageerror", (error) => errors.push(`[${page.name}] uncaught on the page: ${error.message}`));
  tab.on("console", (message) => {
    const where = message.location().url;
    // Chromium's own favicon request is no page's doing.
    if (message.type() === "error" && !where.endsWith("/favicon.ico")) consoleErrors.push(`[${page.name}] ${message.text()}${where ? ` (${where})` : ""}`);
  });
  let collected: Collected | undefined;
  let extendedModels = 0;
  let atmosKeys = 0;
  try {
    await tab.goto(server.pageUrl(version, page, mode));
    await tab.waitForFunction(() => (window as any).spineSpecResults?.done === true, undefined, { timeout: pageTimeoutMs, polling: 100 });
  } catch (error) {
    errors.push(`[${page.name}] jasmine did not finish: ${(error as Error).message.split("\n")[0]}`);
  }
  try {
    collected = await tab.evaluate(() => (window as any).spineSpecResults as Collected | undefined);
    extendedModels = await tab.evaluate(() => Number((window as any).spineSpecExtended) || 0);
    atmosKeys = await tab.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith("atmos2:")).length);
  } catch {
    // The page is gone; what it reported is lost with it, and the error above says why.
  }
  await context.close();
  if (!collected) errors.push(`[${page.name}] the page never set up its reporter (did jasmine or the harness fail to load?)`);
  for (const error of collected?.errors ?? []) errors.push(`[${page.name}] ${error}`);
  for (const request of server.takeStrayRequests()) errors.push(`[${page.name}] a request no spec asked for: ${request}`);
  if (mode === "extended" && collected && extendedModels === 0) {
    errors.push(`[${page.name}] no model was extended with Spine.Model.Atmosphere: the configure hook in page/extend-models.js never ran`);
  }
  const specs = (collected?.specs ?? []).map((spec) => ({ ...spec, page: page.name }));
  return { specs, errors, consoleErrors, extendedModels, atmosKeys };
}

type FullRun = RunResult & { consoleErrors: string[]; extendedModels: number; atmosKeys: number };

async function runVersion(browser: Browser, server: SpecServer, version: SpineVersion, mode: RunMode): Promise<FullRun> {
  const run: FullRun = { version: version.version, mode, specs: [], errors: [], consoleErrors: [], extendedModels: 0, atmosKeys: 0 };
  for (const page of version.pages) {
    const outcome = await runPage(browser, server, version, page, mode);
    run.specs.push(...outcome.specs);
    run.errors.push(...outcome.errors);
    run.consoleErrors.push(...outcome.consoleErrors);
    run.extendedModels += outcome.extendedModels;
    run.atmosKeys += outcome.atmosKeys;
  }
  return run;
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => prefix + line)
    .join("\n");
}

function printRun(run: FullRun, label: (spec: SpecResult) => string): void {
  const evidence = run.mode === "extended" ? `  (${run.extendedModels} model classes extended; ${run.atmosKeys} atmos2 keys left in localStorage)` : "";
  console.log(`spine ${run.version} ${run.mode}: ${runCounts(run)}${evidence}`);
  for (const spec of run.specs.filter((s) => s.status === "failed")) {
    console.log(`  ✗ [${spec.page}] ${spec.name}${label(spec)}`);
    for (const message of spec.messages) console.log(indent(message, "      "));
  }
  for (const error of run.errors) console.log(indent(`✗ ${error}`, "  "));
  for (const line of run.consoleErrors.slice(0, 10)) console.log(`  console.error ${line}`);
  if (run.consoleErrors.length > 10) console.log(`  … and ${run.consoleErrors.length - 10} more console errors`);
}

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const versions = spineVersions.filter((v) => wanted.length === 0 || wanted.includes(v.version));
  if (versions.length === 0) throw new Error(`no Spine version named ${wanted.join(", ")}; known: ${spineVersions.map((v) => v.version).join(", ")}`);

  await buildUmdIfStale((line) => console.log(line));
  const server = await startSpecServer(versions);
  let browser: Browser | undefined;
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  try {
    browser = await chromium.launch({ executablePath, args: flags });
    for (const version of versions) {
      const plain = await runVersion(browser, server, version, "plain");
      const extended = await runVersion(browser, server, version, "extended");
      const verdict = judge(plain, extended);
      const failsPlain = new Set(verdict.plainFailures.map((s) => `${s.page}\u0000${s.name}`));
      printRun(plain, () => "  (fails on plain Spine: not counted)");
      printRun(extended, (spec) => (failsPlain.has(`${spec.page}\u0000${spec.name}`) ? "  (fails on plain Spine too: not counted)" : ""));
      const broken = verdict.regressions.length;
      console.log(`spine ${version.version}: ${broken === 0 ? "every spec that passes plain passes extended" : `${broken} spec(s) pass plain but fail extended`}\n`);
      passed += verdict.passed;
      failed += verdict.failed;
      skipped += verdict.skipped;
    }
  } finally {
    await browser?.close().catch(() => undefined);
    await server.close();
  }
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.stack : error);
    console.log("0 passed, 1 failed");
    process.exit(1);
  },
);

import type { RunMode } from "./spec-server";

/** One jasmine spec as the page reporters collect it. */
export interface SpecResult {
  /** The harness page it ran on ("core", "addons", ...). */
  page: string;
  /** Jasmine's full name: the describe blocks and the it. */
  name: string;
  /** "passed" | "failed" | "pending" (jasmine 2 also says "excluded"). */
  status: string;
  messages: string[];
}

/** Every spec of one version in one mode, plus what went wrong outside specs. */
export interface RunResult {
  version: string;
  mode: RunMode;
  specs: SpecResult[];
  /** Page errors, suite-level failures, time-outs, stray requests: each is one failure. */
  errors: string[];
}

/** One version's plain and extended runs, judged by the rule: what passes plain passes extended. */
export interface Verdict {
  /** Specs that fail on plain Spine: reported, not counted as atmos2's failures. */
  plainFailures: SpecResult[];
  /** Specs that pass plain and fail (or never ran) extended: atmos2's failures. */
  regressions: Array<{ spec: SpecResult; extended?: SpecResult }>;
  passed: number;
  failed: number;
  /** Specs not judged: pending ones, and those failing on plain Spine in either run. */
  skipped: number;
}

/**
 * A key per spec that survives duplicate names: page, full name and how many
 * specs of that name came before it on the page.
 */
function keyed(specs: SpecResult[]): Map<string, SpecResult> {
  const seen = new Map<string, number>();
  const result = new Map<string, SpecResult>();
  for (const spec of specs) {
    const base = `${spec.page}\u0000${spec.name}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.set(`${base}\u0000${n}`, spec);
  }
  return result;
}

export function judge(plain: RunResult, extended: RunResult): Verdict {
  const plainSpecs = keyed(plain.specs);
  const extendedSpecs = keyed(extended.specs);
  const verdict: Verdict = { plainFailures: [], regressions: [], passed: 0, failed: 0, skipped: 0 };
  // A run that loaded no spec proves nothing: the harness itself is broken.
  const noSpecs = (run: RunResult) => (run.specs.length === 0 && run.errors.length === 0 ? 1 : 0);
  verdict.failed += plain.errors.length + extended.errors.length + noSpecs(plain) + noSpecs(extended);

  for (const [key, spec] of plainSpecs) {
    if (spec.status === "passed") verdict.passed++;
    else if (spec.status === "failed") (verdict.plainFailures.push(spec), verdict.skipped++);
    else verdict.skipped++;

    const other = extendedSpecs.get(key);
    if (!other) {
      if (spec.status === "passed") (verdict.regressions.push({ spec }), verdict.failed++);
      else verdict.skipped++;
    } else if (other.status === "passed") verdict.passed++;
    else if (spec.status === "passed") (verdict.regressions.push({ spec, extended: other }), verdict.failed++);
    else verdict.skipped++;
  }
  // Specs only the extended page ran (should not happen: same files) have no plain run to excuse a failure.
  for (const [key, spec] of extendedSpecs) {
    if (plainSpecs.has(key)) continue;
    if (spec.status === "passed") verdict.passed++;
    else if (spec.status === "failed") (verdict.regressions.push({ spec, extended: spec }), verdict.failed++);
    else verdict.skipped++;
  }
  return verdict;
}

/** "174 passed, 0 failed" (and ", N pending" when some are) for one run, as jasmine counted it. */
export function runCounts(run: RunResult): string {
  const count = (status: string) => run.specs.filter((s) => s.status === status).length;
  const other = run.specs.length - count("passed") - count("failed");
  return `${count("passed")} passed, ${count("failed")} failed${other ? `, ${other} pending` : ""}`;
}

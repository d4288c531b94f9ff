import { expect } from "chai";
import { judge, runCounts, type RunResult, type SpecResult } from "./compare-runs";

const spec = (name: string, status: string, page = "core"): SpecResult => ({ page, name, status, messages: status === "failed" ? ["Expected 1 to be 2."] : [] });
const run = (mode: "plain" | "extended", specs: SpecResult[], errors: string[] = []): RunResult => ({ version: "1.6.2", mode, specs, errors });

describe("judging Spine's specs plain against extended", () => {
  const cases: Array<{ title: string; plain: SpecResult[]; extended: SpecResult[]; passed: number; failed: number; skipped: number; regressions: string[] }> = [
    { title: "passes both ways: two passes", plain: [spec("a", "passed")], extended: [spec("a", "passed")], passed: 2, failed: 0, skipped: 0, regressions: [] },
    { title: "passes plain, fails extended: atmos2's failure", plain: [spec("a", "passed")], extended: [spec("a", "failed")], passed: 1, failed: 1, skipped: 0, regressions: ["a"] },
    { title: "fails plain and extended: Spine's, not counted", plain: [spec("a", "failed")], extended: [spec("a", "failed")], passed: 0, failed: 0, skipped: 2, regressions: [] },
    { title: "fails plain, passes extended: the extended pass counts", plain: [spec("a", "failed")], extended: [spec("a", "passed")], passed: 1, failed: 0, skipped: 1, regressions: [] },
    { title: "passes plain, never ran extended: a failure", plain: [spec("a", "passed")], extended: [spec("b", "passed")], passed: 2, failed: 1, skipped: 0, regressions: ["a"] },
    { title: "pending specs are not judged", plain: [spec("a", "pending")], extended: [spec("a", "pending")], passed: 0, failed: 0, skipped: 2, regressions: [] },
    {
      title: "same name on two pages: each judged on its own",
      plain: [spec("a", "passed", "core"), spec("a", "passed", "addons")],
      extended: [spec("a", "passed", "core"), spec("a", "failed", "addons")],
      passed: 3,
      failed: 1,
      skipped: 0,
      regressions: ["a"],
    },
    {
      title: "duplicate names on one page: matched in order",
      plain: [spec("a", "passed"), spec("a", "failed")],
      extended: [spec("a", "passed"), spec("a", "failed")],
      passed: 2,
      failed: 0,
      skipped: 2,
      regressions: [],
    },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const verdict = judge(run("plain", c.plain), run("extended", c.extended));
      expect({ passed: verdict.passed, failed: verdict.failed, skipped: verdict.skipped }).to.deep.equal({ passed: c.passed, failed: c.failed, skipped: c.skipped });
      expect(verdict.regressions.map((r) => r.spec.name)).to.deep.equal(c.regressions);
    });
  }

  it("counts a page error or a run with no spec as a failure, even on plain Spine", () => {
    expect(judge(run("plain", [spec("a", "passed")], ["[core] uncaught on the page: boom"]), run("extended", [spec("a", "passed")])).failed).to.equal(1);
    expect(judge(run("plain", []), run("extended", [])).failed).to.equal(2);
  });

  it("reports a run's own counts as jasmine saw them", () => {
    expect(runCounts(run("plain", [spec("a", "passed"), spec("b", "failed"), spec("c", "pending")]))).to.equal("1 passed, 1 failed, 1 pending");
  });
});

import { expect } from "chai";
import { atLeast, atMost } from "../../bench/goal";
import { ratioChart } from "../../bench/ratio-chart";
import { markdownTable } from "../../bench/report";
import { median, quantile, summarize } from "../../bench/stats";

describe("bench statistics and report", () => {
  const cases: Array<[number[], number, number]> = [
    [[5], 0.5, 5],
    [[1, 3], 0.5, 2],
    [[3, 1, 2], 0.5, 2],
    [[1, 2, 3, 4, 5], 0.95, 4.8],
    [[10, 20, 30, 40], 0, 10],
    [[10, 20, 30, 40], 1, 40],
  ];
  for (const [values, q, expected] of cases) {
    it(`takes the ${q} quantile of [${values}] as ${expected}`, () => {
      expect(quantile(values, q)).to.be.closeTo(expected, 1e-9);
    });
  }

  it("summarizes runs with their median and how far apart they were", () => {
    expect(summarize([2, 4, 3])).to.include({ median: 3, min: 2, max: 4, n: 3 });
    expect(summarize([2, 4, 3]).spread).to.be.closeTo(2 / 3, 1e-9);
    expect(median([])).to.be.NaN;
  });

  it("says by how much a goal is missed", () => {
    expect(atMost(1, 2, "ours/floor")).to.deep.equal({ met: true });
    expect(atMost(3, 2, "ours/floor").missedBy).to.equal("ours/floor 3.00 > 2.00 (1.50× the limit)");
    expect(atLeast(50, 100, "speed-up").missedBy).to.equal("speed-up 50.0 < 100 (2.00× short)");
    expect(atMost(NaN, 2, "x").met).to.equal(false);
  });

  const row = { id: "P9", name: "a <case>", ours: 0.5, peer: 50, peerName: "Peer", floor: 0.25, unit: "ms", ratio: 0.01, floorRatio: 2, goal: "≤ 2× floor", met: true };

  it("prints small times in µs and ratios with ×", () => {
    const table = markdownTable([row]);
    expect(table).to.contain("| P9 | a <case> | 500 µs | 50.0 ms (Peer) | 250 µs | 0.010× | 2.00× |");
  });

  it("draws one labelled bar pair per row, escaping text", () => {
    const svg = ratioChart([row, { ...row, id: "P8", ratio: undefined, floorRatio: undefined }], "t");
    expect(svg).to.contain("P9 a &lt;case&gt;");
    expect(svg).not.to.contain("P8");
    expect(svg.match(/<rect x=/g)!.length).to.equal(4); // 2 legend swatches + 2 bars
  });
});

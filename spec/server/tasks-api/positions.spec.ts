import { expect } from "chai";
import { formatPosition, positionBetween, spreadBetween } from "../../../example/server/tasks-api/positions";

describe("tasks API: task positions", () => {
  const cases: Array<[string, string | undefined, string | undefined]> = [
    ["an empty group", undefined, undefined],
    ["before the first", undefined, formatPosition(10n ** 19n)],
    ["after the last", formatPosition(10n ** 19n), undefined],
    ["between two", formatPosition(100n), formatPosition(200n)],
    ["before a first close to zero", undefined, formatPosition(5n)],
    ["after a last close to the end", formatPosition(10n ** 20n - 5n), undefined],
  ];
  for (const [where, before, after] of cases) {
    it(`picks a 20-digit position strictly inside the gap: ${where}`, () => {
      const p = positionBetween(before, after)!;
      expect(p).to.match(/^\d{20}$/);
      if (before !== undefined) expect(p > before).to.equal(true);
      if (after !== undefined) expect(p < after).to.equal(true);
    });
  }

  it("says there is no room between adjacent numbers", () => {
    expect(positionBetween(formatPosition(7n), formatPosition(8n))).to.equal(undefined);
    expect(positionBetween(undefined, formatPosition(0n))).to.equal(undefined);
  });

  it("spreads positions evenly and in order", () => {
    const spread = spreadBetween(4)!;
    expect(spread).to.have.length(4);
    expect([...spread].sort()).to.deep.equal(spread);
    expect(new Set(spread).size).to.equal(4);
  });

  it("leaves room for many tasks added at the top one after another", () => {
    let first: string | undefined;
    for (let i = 0; i < 10_000; i++) {
      const next = positionBetween(undefined, first);
      expect(next, `insert ${i}`).not.to.equal(undefined);
      first = next;
    }
  });
});

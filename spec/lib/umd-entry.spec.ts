import { expect } from "chai";
import * as api from "../../lib";
import umd from "../../lib/umd";

describe("the UMD/CommonJS entry (require(\"atmos2\"), the global Atmos)", () => {
  it("is the Atmos class carrying every named export of the ES module, and itself as .default", () => {
    expect(umd).to.equal(api.Atmos);
    const named = Object.keys(api).filter((name) => name !== "default" && name !== "__esModule");
    for (const name of named) expect((umd as unknown as Record<string, unknown>)[name], name).to.equal((api as Record<string, unknown>)[name]);
    expect((umd as unknown as { default: unknown }).default).to.equal(api.Atmos);
  });
});

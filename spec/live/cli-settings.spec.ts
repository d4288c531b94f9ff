import { expect } from "chai";
import { start, type RunningServer } from "../../server/live/cli";

/** `atmos2-server` settings as its environment gives them: each mistake is refused naming the setting. */
describe("atmos2-server settings", () => {
  let running: RunningServer | undefined;
  const lines: string[] = [];
  const print = (line: string) => lines.push(line);
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    lines.length = 0;
  });
  const refusal = (env: Record<string, string>) => start({ PORT: "0", ...env }, print).then(
    (server) => {
      running = server;
      return "started";
    },
    (error: Error) => error.message,
  );
  const strongToken = "reader-0123456789abcdef";
  const strongSecret = "backend-0123456789abcdef";

  it("takes ATMOS_QUIET as 1/0, true/false or yes/no, and refuses anything else", async () => {
    expect(await refusal({ ATMOS_QUIET: "yes" })).to.equal("started");
    await running!.stop();
    running = undefined;
    expect(await refusal({ ATMOS_QUIET: "loud" })).to.equal('ATMOS_QUIET must be 1, true or yes (errors only) or 0, false or no (got "loud")');
  });

  it("refuses a short ATMOS_SECRET when listening beyond this machine, naming it and never printing it", async () => {
    const message = await refusal({ HOST: "0.0.0.0", ATMOS_TOKENS: `${strongToken}:*`, ATMOS_SECRET: "s3cret" });
    expect(message).to.contain("ATMOS_SECRET");
    expect(message).to.contain("16");
    expect(message).to.not.contain("s3cret");
  });

  it("refuses a short token in ATMOS_TOKENS when listening beyond this machine, naming its entry only", async () => {
    const message = await refusal({ HOST: "0.0.0.0", ATMOS_TOKENS: `${strongToken}:*;t1:user:1`, ATMOS_SECRET: strongSecret });
    expect(message).to.contain("ATMOS_TOKENS entry 2");
    expect(message).to.contain("16");
    expect(message).to.not.contain("t1");
  });

  it("starts on every interface with long enough credentials", async () => {
    expect(await refusal({ HOST: "0.0.0.0", ATMOS_TOKENS: `${strongToken}:*`, ATMOS_SECRET: strongSecret })).to.equal("started");
  });

  it("takes short credentials on a loopback address, for development", async () => {
    expect(await refusal({ HOST: "127.0.0.1", ATMOS_TOKENS: "t:*", ATMOS_SECRET: "s" })).to.equal("started");
  });
});

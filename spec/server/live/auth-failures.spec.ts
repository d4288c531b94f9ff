import { expect } from "chai";
import { FakeClock } from "../../fakes/fake-clock";
import { startLive, type LiveFixture } from "../../live/support/live-fixture";
import { TestSocket } from "../../live/support/test-socket";

/**
 * A client could send wrong tokens as fast as it liked (a socket each, or
 * one auth frame per socket): nothing counted its failures. Now one address
 * that fails `maxAuthFailures` times in a window has its auth frames refused
 * without its tokens being looked at, until the window ends.
 */
describe("live server: guessing tokens from one address is limited", () => {
  let fixture: LiveFixture | undefined;
  const opened: TestSocket[] = [];
  afterEach(async () => {
    for (const socket of opened.splice(0)) if (socket.isOpen) socket.ws.terminate();
    await fixture?.close();
    fixture = undefined;
  });

  const GOOD = "good-token-0123456789";
  let checked: string[];
  const authenticate = (token: string) => {
    checked.push(token);
    return token === GOOD || token.startsWith("user-") ? { channels: ["c"], user: token } : null;
  };
  beforeEach(() => (checked = []));

  /** Opens a socket from `from`, sends `token`, and resolves with the first answer and the close, if any. */
  const attempt = async (token: string, from = "127.0.0.1") => {
    const socket = await TestSocket.open(fixture!.wsUrl, { localAddress: from });
    opened.push(socket);
    socket.send({ type: "auth", token });
    const first = await socket.next();
    if (first.type === "ready") return { first, socket, closed: undefined };
    return { first, socket, closed: await socket.closed };
  };

  it("refuses an address's auths with 1013 after its failures pass the limit, without checking their tokens", async () => {
    fixture = await startLive({ authenticate, maxAuthFailures: 3, authFailureWindowMs: 60_000 });
    for (let i = 0; i < 3; i++) expect((await attempt(`guess-${i}`)).closed!.code).to.equal(4401);
    const blocked = await attempt("guess-3");
    expect(blocked.closed!.code).to.equal(1013);
    expect(blocked.first).to.include({ type: "error" });
    expect((blocked.first as { message: string }).message).to.match(/too many failed auths from this address/).and.to.match(/try again in \d+ s/);
    const good = await attempt(GOOD);
    expect(good.closed!.code, "even a good token waits for the window").to.equal(1013);
    expect(checked).to.deep.equal(["guess-0", "guess-1", "guess-2"]);
  });

  // Found by an attack review: any web page its visitor opened could spend
  // the visitor's address's budget with wrong tokens (a browser lets a page
  // open a socket anywhere, naming the page's origin), and lock the
  // visitor's own app out for the window, again every minute.
  describe("a page of another site trying tokens from its visitor's browser", () => {
    const fromPage = async (origin: string | undefined, token: string) => {
      const socket = await TestSocket.open(fixture!.wsUrl, origin ? { headers: { Origin: origin } } : {});
      opened.push(socket);
      socket.send({ type: "auth", token });
      const first = await socket.next();
      return first.type === "ready" ? "ready" : (await socket.closed).code;
    };

    it("locks out that page's origin only: the app's own page and non-browser clients at the address still get in", async () => {
      fixture = await startLive({ authenticate, maxAuthFailures: 3 });
      for (let i = 0; i < 3; i++) expect(await fromPage("https://evil.example", `guess-${i}`)).to.equal(4401);
      expect(await fromPage("https://evil.example", GOOD), "the guessing page, unchecked").to.equal(1013);
      expect(await fromPage("http://localhost:8080", GOOD), "the app's page").to.equal("ready");
      expect(await fromPage(undefined, GOOD), "a client that names no origin").to.equal("ready");
      expect(checked).to.deep.equal(["guess-0", "guess-1", "guess-2", GOOD, GOOD]);
    });

    // Found by a second attack review: a page of another site with five
    // subdomains spent the address's whole budget, and the app open at that
    // address could not reconnect. A source that signed in lately is held
    // to its own count only.
    it("lets the app's page back in, when the address's whole budget is spent, if it signed in lately", async () => {
      fixture = await startLive({ authenticate, maxAuthFailures: 3 });
      expect(await fromPage("http://localhost:8080", GOOD), "the app's page, signed in before").to.equal("ready");
      for (let i = 0; i < 15; i++) expect(await fromPage(`https://s${Math.floor(i / 3)}.evil.example`, `guess-${i}`), `guess ${i}`).to.equal(4401);
      expect(await fromPage("http://localhost:8080", GOOD), "the app's page, again").to.equal("ready");
      expect(await fromPage("http://localhost:9090", GOOD), "a page that never signed in").to.equal(1013);
      expect(await fromPage("https://s6.evil.example", GOOD)).to.equal(1013);
    });

    it("still stops one address that names a new origin for each few guesses, past five times the limit in all", async () => {
      fixture = await startLive({ authenticate, maxAuthFailures: 3 });
      for (let i = 0; i < 15; i++) expect(await fromPage(`https://site${Math.floor(i / 3)}.example`, `guess-${i}`), `guess ${i}`).to.equal(4401);
      expect(await fromPage("https://site9.example", "guess-15")).to.equal(1013);
      // A client naming no origin is no page of another site: it counts on its
      // own (found by a fourth attack review: five subdomains kept every
      // client behind the address from signing in for the first time).
      expect(await fromPage(undefined, GOOD)).to.equal("ready");
      expect(checked).to.have.length(16);
    });
  });

  it("counts auth frames sent as fast as the client can, and a hook that throws, as failures", async () => {
    fixture = await startLive({
      authenticate: (token) => {
        if (token === "throws") throw new Error("malformed token");
        return authenticate(token);
      },
      maxAuthFailures: 5,
    });
    const sockets = await Promise.all(Array.from({ length: 20 }, () => TestSocket.open(fixture!.wsUrl)));
    opened.push(...sockets);
    sockets.forEach((socket, i) => socket.send({ type: "auth", token: i % 2 ? "throws" : `guess-${i}` }));
    const codes = await Promise.all(sockets.map(async (socket) => (await socket.closed).code));
    expect(codes.filter((code) => code === 4401)).to.have.length(5);
    expect(codes.filter((code) => code === 1013)).to.have.length(15);
  });

  it("lets a good token in again once the window has passed", async () => {
    const clock = new FakeClock();
    fixture = await startLive({ authenticate, maxAuthFailures: 2, authFailureWindowMs: 30_000, clock });
    await attempt("guess-a");
    await clock.advance(10_000);
    await attempt("guess-b");
    expect((await attempt(GOOD)).closed!.code).to.equal(1013);
    await clock.advance(19_000);
    const early = await attempt(GOOD);
    expect(early.closed!.code).to.equal(1013);
    expect((early.first as { message: string }).message).to.match(/try again in 1 s/);
    await clock.advance(1_000);
    expect((await attempt(GOOD)).first.type).to.equal("ready");
  });

  it("does not punish an address for the good tokens of the many users behind it", async () => {
    fixture = await startLive({ authenticate, maxAuthFailures: 2 });
    for (let i = 0; i < 30; i++) expect((await attempt(`user-${i}`)).first.type).to.equal("ready");
    await attempt("guess-1");
    expect((await attempt("user-late")).first.type, "one failure is under the limit").to.equal("ready");
  });

  it("keeps other addresses out of one address's failures", async () => {
    fixture = await startLive({ authenticate, maxAuthFailures: 2 });
    await attempt("guess-1", "127.0.0.2");
    await attempt("guess-2", "127.0.0.2");
    expect((await attempt(GOOD, "127.0.0.2")).closed!.code).to.equal(1013);
    expect((await attempt(GOOD, "127.0.0.1")).first.type).to.equal("ready");
  });

  it("refuses a bad setting naming it", () => {
    return startLive({ maxAuthFailures: -1 }).then(
      () => expect.fail("started"),
      (error: Error) => expect(error.message).to.equal("createLiveServer: maxAuthFailures must be a non-negative number (got -1)"),
    );
  });
});

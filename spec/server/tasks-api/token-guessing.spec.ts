import { expect } from "chai";
import * as http from "http";
import WebSocket from "ws";
import { exampleServer } from "../../servers/example-server";
import { startTasksTestServer, type TasksTestServer } from "../../servers/tasks-test-server";

/** What /live answers an auth with `token`, from a page on `origin` if given: "ready", or the close code. */
function liveWith(url: string, token: string, origin?: string): Promise<string | number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${url.replace(/^http/, "ws")}/live`, origin ? { headers: { Origin: origin } } : {});
    socket.on("open", () => socket.send(JSON.stringify({ type: "auth", token })));
    socket.on("message", (data) => {
      if (JSON.parse(data.toString()).type === "ready") {
        resolve("ready");
        socket.close();
      }
    });
    socket.on("close", (code) => resolve(code));
    socket.on("error", () => {});
  });
}

/**
 * Found from outside: the tasks API answered 5000 wrong tokens in under two
 * seconds, so a short token could be guessed from a word list (`/live`
 * already stopped an address after 20 failures a minute; the same tokens
 * could be tried on `/tasks/v1` without limit).
 */
describe("tasks API: someone guessing tokens", () => {
  let server: TasksTestServer;
  let time = Date.UTC(2026, 0, 1);

  beforeEach(async () => {
    time = Date.UTC(2026, 0, 1);
    server = await startTasksTestServer({ token: "the-right-token", now: () => time, maxAuthFailures: 5 });
  });
  afterEach(() => server.close({ removeFile: true }));

  const tryToken = (token: string) => fetch(`${server.base}/users/@me/lists`, { headers: { Authorization: `Bearer ${token}` } });

  it("is told to wait after the limit of wrong tokens, with Retry-After, and the token is not even checked meanwhile", async () => {
    for (let i = 0; i < 5; i++) expect((await tryToken(`guess-${i}`)).status, `guess ${i}`).to.equal(401);
    const refused = await tryToken("guess-5");
    expect(refused.status).to.equal(429);
    expect(refused.headers.get("retry-after")).to.equal("60");
    const body = (await refused.json()) as { error: { message: string; errors: Array<{ reason: string }> } };
    expect(body.error.message).to.match(/too many wrong tokens from this address \(5 in 60 s\).*try again in 60 s/i);
    expect(body.error.errors[0].reason).to.equal("rateLimitExceeded");
    // Guessing right meanwhile tells the guesser nothing: it is refused the same way.
    expect((await tryToken("the-right-token")).status).to.equal(429);
  });

  it("lets the address in again once the minute is over", async () => {
    for (let i = 0; i < 6; i++) await tryToken(`guess-${i}`);
    time += 30_000;
    const waiting = await tryToken("the-right-token");
    expect(waiting.status).to.equal(429);
    expect(waiting.headers.get("retry-after")).to.equal("30");
    time += 30_000;
    expect((await tryToken("the-right-token")).status).to.equal(200);
  });

  it("does not count requests with the right token, or with none, as guesses", async () => {
    for (let i = 0; i < 10; i++) expect((await tryToken("the-right-token")).status).to.equal(200);
    for (let i = 0; i < 10; i++) expect((await fetch(`${server.base}/users/@me/lists`)).status).to.equal(401);
    for (let i = 0; i < 5; i++) expect((await tryToken(`guess-${i}`)).status).to.equal(401);
    expect((await tryToken("guess-5")).status).to.equal(429);
  });

  it("limits 20 wrong tokens a minute unless told otherwise, and 0 turns the limit off", async () => {
    await server.close({ removeFile: true });
    server = await startTasksTestServer({ token: "the-right-token", now: () => time });
    for (let i = 0; i < 20; i++) expect((await tryToken(`guess-${i}`)).status).to.equal(401);
    expect((await tryToken("guess-20")).status).to.equal(429);
    await server.close({ removeFile: true });
    server = await startTasksTestServer({ token: "the-right-token", now: () => time, maxAuthFailures: 0 });
    for (let i = 0; i < 30; i++) expect((await tryToken(`guess-${i}`)).status).to.equal(401);
  });
});

/**
 * Found from outside: the API's limit and /live's were counted apart, so
 * while the API answered 429, a right guess was still confirmed on /live,
 * and one address had 40 checked guesses a minute instead of 20.
 */
describe("example server: wrong tokens on the API and on /live share one limit", () => {
  const startWith = exampleServer();
  const start = () => startWith({ TASKS_TOKEN: "mysecrettoken" });
  const apiWith = (url: string, token: string) => fetch(`${url}/tasks/v1/users/@me/lists`, { headers: { Authorization: `Bearer ${token}` } }).then((res) => res.status);

  it("refuses the right token on /live, unchecked, once the API had 20 wrong ones", async () => {
    const url = await start();
    for (let i = 0; i < 20; i++) expect(await apiWith(url, `guess-${i}`)).to.equal(401);
    expect(await liveWith(url, "mysecrettoken")).to.equal(1013);
  });

  it("answers the API 429 once /live had 20 wrong ones, and counts both together", async () => {
    const url = await start();
    for (let i = 0; i < 10; i++) expect(await liveWith(url, `guess-${i}`)).to.equal(4401);
    for (let i = 10; i < 20; i++) expect(await apiWith(url, `guess-${i}`)).to.equal(401);
    expect(await apiWith(url, "mysecrettoken")).to.equal(429);
    expect(await liveWith(url, "guess-20")).to.equal(1013);
  });
});

/**
 * Found by an attack review: the API answers every origin (CORS) once its
 * tokens are strong, so any page its user opened could send 20 wrong tokens
 * from the user's browser and lock the user out of the API and /live for a
 * minute, again and again. A page's wrong tokens now count against its
 * origin: it locks itself out, not the app.
 */
describe("example server: a page of another site sending wrong tokens from its visitor's browser", () => {
  const token = "a-strong-token-of-28-chars!!";
  const startWith = exampleServer();
  const start = () => startWith({ TASKS_TOKEN: token });

  /** The API's status for `token`, sent as a page on `origin` would (or as a backend, with none). */
  const apiFrom = (url: string, origin: string | undefined, bearer: string) =>
    new Promise<number>((resolve, reject) => {
      const headers: Record<string, string> = { Authorization: `Bearer ${bearer}` };
      if (origin) headers.Origin = origin;
      http.get(`${url}/tasks/v1/users/@me/lists`, { headers }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      }).on("error", reject);
    });

  it("locks out that page only: the app's own page, and /live, still take the right token", async () => {
    const url = await start();
    for (let i = 0; i < 20; i++) expect(await apiFrom(url, "https://evil.example", `guess-${i}`), `guess ${i}`).to.equal(401);
    expect(await apiFrom(url, "https://evil.example", token), "the guessing page, unchecked").to.equal(429);
    expect(await apiFrom(url, url, token), "the app's own page").to.equal(200);
    expect(await apiFrom(url, undefined, token), "a client that names no origin").to.equal(200);
    expect(await liveWith(url, token, url), "the app's page on /live").to.equal("ready");
  });

  it("lets the app's page in, once it had signed in, when pages on five subdomains spent the address's whole budget", async () => {
    const url = await start();
    expect(await apiFrom(url, url, token), "the app's page, signed in before").to.equal(200);
    for (let i = 0; i < 100; i++) expect(await apiFrom(url, `https://s${Math.floor(i / 20)}.evil.example`, `guess-${i}`), `guess ${i}`).to.equal(401);
    expect(await apiFrom(url, url, token), "the app's page, again").to.equal(200);
    expect(await apiFrom(url, "https://s5.evil.example", token), "a sixth page of another site").to.equal(429);
  });

  // Found by a fourth attack review: only a source that had signed in before
  // got through the lock of the whole address, so a page with five
  // subdomains kept everyone behind its visitor's address (a home, an
  // office behind one NAT) from signing in for the first time, on the app's
  // own page too. A browser names the page's origin on every cross-site
  // request, and no page of another site can name the app's own origin, nor
  // none with an Authorization header: those count on their own only.
  it("lets a first sign-in on the app's own page through when pages on five subdomains spent the address's whole budget", async () => {
    const url = await start();
    for (let i = 0; i < 100; i++) expect(await apiFrom(url, `https://s${Math.floor(i / 20)}.evil.example`, `guess-${i}`), `guess ${i}`).to.equal(401);
    expect(await apiFrom(url, url, token), "the app's page, never signed in").to.equal(200);
    expect(await apiFrom(url, undefined, token), "a client that names no origin").to.equal(200);
    expect(await liveWith(url, token, url), "the app's page on /live").to.equal("ready");
  });

  it("still locks the app's own origin after its own 20 wrong tokens", async () => {
    const url = await start();
    for (let i = 0; i < 20; i++) expect(await apiFrom(url, url, `guess-${i}`), `guess ${i}`).to.equal(401);
    expect(await apiFrom(url, url, token)).to.equal(429);
  });

  // Found by a second attack review: opened at http://<LAN address>, a page
  // is no secure context, and browsers send it no Sec-Fetch-Site. A page of
  // another site could then spend the app's budget with 20
  // <img src=".../lists?access_token=guessN">, which look like the app's own
  // requests (no Origin). A token in the URL now counts apart from one in
  // the Authorization header, which such a request cannot send.
  it("counts wrong tokens sent in the URL without an Origin apart from those in the Authorization header", async () => {
    const url = await start();
    const inUrl = (bearer: string) => fetch(`${url}/tasks/v1/users/@me/lists?access_token=${bearer}`).then((res) => res.status);
    for (let i = 0; i < 20; i++) expect(await inUrl(`guess-${i}`), `guess ${i}`).to.equal(401);
    expect(await inUrl(token), "a token in the URL, unchecked").to.equal(429);
    expect(await apiFrom(url, undefined, token), "the app's header").to.equal(200);
  });
});

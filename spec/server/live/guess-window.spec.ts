import { expect } from "chai";
import { GuessWindow } from "../../../server/live/guess-window";

/**
 * The count of wrong tokens per address and page origin (guess-window.ts),
 * and what lets a token taken lately through a lock of the whole address.
 * Found by a third attack review: that exemption first let a source that
 * had signed in once guess freely (one valid token, signed in from 500 made-up
 * origins, gave 10,000 checked guesses a minute where 100 were meant); marks
 * of all addresses shared one list an attacker could flush; and a mark ran
 * out a day after its first sign-in, however often the user came back.
 */
describe("GuessWindow: wrong tokens per address and origin", () => {
  const HOUR = 60 * 60_000;
  let time: number;
  const now = () => time;
  beforeEach(() => (time = Date.UTC(2026, 0, 1)));
  /** Fails `count` guesses from `origin` at 10.0.0.1, each checked only while the source may try. */
  const guess = (window: GuessWindow, origin: string, count: number): number => {
    let checked = 0;
    for (let i = 0; i < count; i++) {
      const source = `10.0.0.1 ${origin}`;
      if (window.waitFor(source, `guess-${i}`) > 0) continue;
      checked++;
      window.add(source);
    }
    return checked;
  };

  it("gives one address no more checked guesses than five times the limit, however many origins it signed in from", () => {
    const window = new GuessWindow(3, 60_000, now);
    for (let i = 0; i < 50; i++) window.succeeded(`10.0.0.1 https://o${i}.example`, "my-own-good-token");
    let checked = 0;
    for (let i = 0; i < 50; i++) checked += guess(window, `https://o${i}.example`, 3);
    expect(checked).to.equal(15);
  });

  it("lets the token taken from a source through a lock of the whole address, and no other token", () => {
    const window = new GuessWindow(3, 60_000, now);
    window.succeeded("10.0.0.1 http://localhost:8080", "the-app-token");
    for (let i = 0; i < 5; i++) guess(window, `https://s${i}.evil.example`, 3);
    expect(window.waitFor("10.0.0.1 http://localhost:8080", "the-app-token")).to.equal(0);
    expect(window.waitFor("10.0.0.1 http://localhost:8080", "another-token")).to.be.above(0);
    expect(window.waitFor("10.0.0.1 http://localhost:9090", "the-app-token"), "from another page").to.be.above(0);
    expect(window.limitText("10.0.0.1 http://localhost:9090")).to.equal("15 in 60 s, over every origin");
  });

  it("keeps a mark a day from the token's latest use", () => {
    const window = new GuessWindow(3, 60_000, now);
    window.succeeded("10.0.0.1 http://app", "the-app-token");
    time += 23 * HOUR;
    window.succeeded("10.0.0.1 http://app", "the-app-token");
    time += 23 * HOUR;
    for (let i = 0; i < 5; i++) guess(window, `https://s${i}.evil.example`, 3);
    expect(window.waitFor("10.0.0.1 http://app", "the-app-token"), "23 h after its latest use").to.equal(0);
    time += 2 * HOUR;
    for (let i = 0; i < 5; i++) guess(window, `https://t${i}.evil.example`, 3);
    expect(window.waitFor("10.0.0.1 http://app", "the-app-token"), "25 h after").to.be.above(0);
  });

  it("keeps another address's marks however often one address signs in", () => {
    const window = new GuessWindow(3, 60_000, now, 5, 24 * HOUR, 2);
    window.succeeded("10.0.0.1 http://app", "the-app-token");
    for (let i = 0; i < 1000; i++) window.succeeded(`10.0.0.2 https://o${i}.example`, "attacker-token");
    for (let i = 0; i < 5; i++) guess(window, `https://s${i}.evil.example`, 3);
    expect(window.waitFor("10.0.0.1 http://app", "the-app-token")).to.equal(0);
  });
});

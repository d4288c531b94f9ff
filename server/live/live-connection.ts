import type { IncomingMessage } from "node:http";
import { WebSocket, RawData } from "ws";
import { AuthMessage, CloseCode, ServerMessage, SyncMessage } from "../../lib/live/live-protocol";
import { Authenticate, Grant, refusedChannels, toGrant } from "./authenticate";
import { Backend } from "./backend";
import { changeFrame, SequencedChange } from "./change-log";
import { channelProblem, LiveInputError, quoteInput } from "./change-validation";
import { closeReason, SERVICE_RESTART, TRY_AGAIN_LATER } from "./close-reason";
import { parseClientMessage } from "./client-message";
import { ChannelSubscriber, EVERY_CHANNEL, LiveHub } from "./live-hub";
import { readMissed } from "./missed-changes";
import { runSync } from "./sync-request";
import { LiveLog } from "./live-log";
import { errorReason } from "./error-reason";
import type { ValueBudget } from "./value-budget";

/** The refusal of an auth message without a token that `authenticate` did not accept from the request alone (a cookie). */
const NO_TOKEN = "invalid token: none was given (auth.token is empty); pass it as live.connect(url, { token }), or in the auth message";

/** What every socket of one server shares: built once per server, not once per socket. */
export interface LiveConnectionOptions {
  hub: LiveHub;
  backend: Backend;
  authenticate: Authenticate;
  authTimeoutMs: number;
  maxBufferedBytes: number;
  /** The bytes of frames a socket may send before `ready` (held until then): the server's maxPayload. */
  maxEarlyBytes: number;
  /** Changes held while the socket replays; past it the socket is too far behind. */
  maxPending: number;
  /** Channels a socket may name in its auth message. */
  maxChannels: number;
  /** Sync requests of one socket waiting for the backend; more are answered with an error. */
  maxSyncInFlight: number;
  /** A new socket's budget of the JSON values it may send in its frames after auth (value-budget.ts). */
  valueBudget(): ValueBudget;
  log: LiveLog;
  onClose(connection: LiveConnection): void;
  /** The auth frame arrived: a reason to refuse it without reading its token (1013), or undefined. */
  authRefusal?(connection: LiveConnection, token: string): string | undefined;
  /** The auth frame arrived: from now on its token is being checked. */
  onAuth?(connection: LiveConnection): void;
  /** `authenticate` refused the token (or threw on it). */
  authFailed?(connection: LiveConnection): void;
  /** Its token was taken. */
  authSucceeded?(connection: LiveConnection, token: string): void;
  /** Once the token is accepted: a reason to refuse the socket (a per-user cap), or undefined. */
  admit?(connection: LiveConnection): string | undefined;
}

type Pending = SequencedChange | { resync: string; seq: number };

/*
 * One socket's life:
 *
 *   awaiting-auth ──auth──▶ authenticating ──grant──▶ replaying ──▶ live
 *        │ timeout/bad          │ refused (4401/4403)                 │
 *        └──────────────────────┴──────────────▶ closed ◀─────────────┘
 *
 * It subscribes to its channels *before* reading where they stand, and holds
 * what arrives until `ready` and the replay are sent, so no change falls
 * between the replay and the live stream, and nothing is sent before `ready`.
 *
 * Longer than 300 lines: the states above share one socket's fields (its
 * grant, its channels, what it holds back), so they are kept in one class;
 * frames are read in client-message.ts, places counted in connection-slots.ts.
 */
export class LiveConnection implements ChannelSubscriber {
  state: "awaiting-auth" | "authenticating" | "replaying" | "live" | "closed" = "awaiting-auth";
  /** Cleared by the heartbeat before each ping, set again by the pong. */
  alive = true;
  private grant: Grant | undefined;
  private channels: string[] = [];
  private lastSent = new Map<string, number>();
  private pending: Pending[] = [];
  /** What arrived after auth and before `ready`: requests, and the errors that answer bad frames. */
  private early: Array<SyncMessage | ServerMessage> = [];
  /**
   * The size of the frames held in `early`: at most maxPayload in all. A
   * parsed frame costs the heap many times its size (a frame of empty
   * objects ~20×), and a client that does not read its replay can keep the
   * socket before `ready` as long as it likes: without a limit in bytes, two
   * sockets filled the server's heap with 100 frames each.
   */
  private earlyBytes = 0;
  private authTimer: NodeJS.Timeout | undefined;
  /** Sync requests sent to the backend and not answered yet (each holds its frame's model). */
  private syncsInFlight = 0;
  /**
   * The upgrade request, for `authenticate` only: let go of once the token is
   * decided, so an idle socket does not keep its headers and stream state
   * (about a third of what a socket cost the server before).
   */
  private request: IncomingMessage | undefined;
  private readonly budget: ValueBudget;

  /**
   * `address`: whom the per-address limits count it against (client-address.ts);
   * `source`: whom its failed auths count against (guessSource in guess-window.ts).
   */
  constructor(readonly ws: WebSocket, private options: LiveConnectionOptions, request: IncomingMessage, readonly address = "", readonly source = address) {
    this.request = request;
    this.budget = options.valueBudget();
    // 1013, not 4401: no token was judged, and a client takes 4401 as final; one whose auth frame came late (a slow link) tries again.
    this.authTimer = setTimeout(() => this.refuse(TRY_AGAIN_LATER, `no auth message within ${options.authTimeoutMs} ms; try again`), options.authTimeoutMs);
    ws.on("message", (data, isBinary) => this.onMessage(data, isBinary));
    ws.on("pong", () => (this.alive = true));
    ws.on("close", () => this.cleanup());
    ws.on("error", (error) => options.log({ type: "socket-error", message: error.message }));
  }

  /** Who `authenticate` said this socket is, once it has. */
  get user(): unknown {
    return this.grant?.user;
  }

  /** The last seq of `channel` sent to this socket (or a resync to it). */
  lastSeq(channel: string): number | undefined {
    return this.lastSent.get(channel);
  }

  /** A change on one of this socket's channels. */
  receive(entry: SequencedChange): void {
    if (this.state === "live") this.sendChange(entry);
    else if (this.state === "replaying") this.hold(entry);
  }

  /**
   * Changes up to `seq` can no longer be delivered (the log lost them). A
   * socket that has had them, or a resync past them, has lost nothing: it
   * is not asked to pull again (a catch-up after Redis came back may report
   * a loss the socket's own replay already covered).
   */
  resync(channel: string, seq: number): void {
    if (this.state === "live" && (this.lastSent.get(channel) ?? 0) < seq) this.sendResync(channel, seq);
    else if (this.state === "replaying") this.hold({ resync: channel, seq });
  }

  restart(): void {
    this.close(SERVICE_RESTART, "the live server's sequence started again; reconnect to resync");
  }

  /**
   * Closes with a code the client understands (1001 on shutdown). Its place
   * is free at once; the connection is let go of 2 s later if the client has
   * not answered the close frame (ws would keep it 30 s, outside every count).
   */
  close(code: number, reason: string): void {
    if (this.state === "closed") return;
    this.cleanup();
    this.ws.close(code, closeReason(reason));
    const letGo = setTimeout(() => this.ws.terminate(), 2000);
    letGo.unref();
    this.ws.once("close", () => clearTimeout(letGo));
  }

  /**
   * Gives this socket's place to a newer one (it has not authenticated and
   * the server is full): 1013, and the connection is let go of at once after
   * the close frame, as a socket that sent nothing may never answer it and
   * would be kept for ws's 30-s closing handshake, outside every count.
   */
  displace(reason: string): void {
    this.refuse(TRY_AGAIN_LATER, reason);
    this.ws.terminate();
  }

  /** Drops the socket at once, without a closing handshake (dead or too slow). */
  drop(reason: "slow" | "dead" | "backlog"): void {
    if (this.state === "closed") return;
    this.options.log({ type: "dropped", reason, bufferedAmount: this.ws.bufferedAmount });
    this.cleanup();
    this.ws.terminate();
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.state === "closed") return;
    const text = isBinary ? undefined : data.toString();
    let message;
    try {
      if (text === undefined) throw new LiveInputError("frames must be JSON text, not binary");
      // A first frame's values are bounded by maxChannels (client-message.ts); the later ones' by the budget.
      message = this.state === "awaiting-auth" ? parseClientMessage(text, this.options.maxChannels) : parseClientMessage(text, undefined, this.budget);
    } catch (error) {
      const why = (error as Error).message;
      if (this.state === "awaiting-auth") return this.refuse(CloseCode.unauthorized, `first message must be auth: ${why}`);
      return this.answer({ type: "error", message: why, requestId: (error as LiveInputError).requestId });
    }
    if (message.type === "auth") {
      if (this.state !== "awaiting-auth") return this.answer({ type: "error", message: "already authenticated: send auth only once" });
      clearTimeout(this.authTimer);
      this.authTimer = undefined;
      const refusal = this.options.authRefusal?.(this, message.token);
      if (refusal !== undefined) return this.refuse(TRY_AGAIN_LATER, refusal);
      this.state = "authenticating";
      this.options.onAuth?.(this);
      // A failure nobody foresaw closes this socket, never the server.
      this.authenticate(message).catch((error) => {
        this.options.log({ type: "error", context: "auth", message: (error as Error).message });
        this.close(1011, "live server error, try again");
      });
      return;
    }
    if (this.state === "awaiting-auth") return this.refuse(CloseCode.unauthorized, "first message must be auth");
    if (this.state !== "live") {
      this.earlyBytes += text!.length;
      if (this.early.length >= 100) return this.refuse(TRY_AGAIN_LATER, "too many messages before ready");
      if (this.earlyBytes > this.options.maxEarlyBytes) return this.refuse(TRY_AGAIN_LATER, `more than ${this.options.maxEarlyBytes} bytes of messages before ready`);
      this.early.push(message);
      return;
    }
    this.syncSafely(message);
  }

  /**
   * Runs a sync request. A failure nobody foresaw (an app's channel predicate
   * that throws) fails this request, never the server: a request held until
   * `ready` is run here too.
   */
  private syncSafely(message: SyncMessage): void {
    this.sync(message).catch((error) => {
      this.options.log({ type: "error", context: "sync", message: (error as Error)?.message ?? String(error) });
      this.send({ type: "error", requestId: message.requestId, message: "live server error, try again" });
    });
  }

  /** Sends an answer to a frame; before `ready` it waits its turn after it (nothing comes before `ready`). */
  private answer(message: ServerMessage): void {
    if (this.state === "live") return this.send(message);
    if (this.early.length >= 100) return this.refuse(TRY_AGAIN_LATER, "too many messages before ready");
    this.early.push(message);
  }

  private async authenticate(auth: AuthMessage): Promise<void> {
    let decision;
    try {
      decision = await this.options.authenticate(auth.token, this.request!);
    } catch (error) {
      this.options.authFailed?.(this);
      return this.refuse(CloseCode.unauthorized, `authentication failed: ${(error as Error).message}`);
    } finally {
      this.request = undefined;
    }
    if (!decision) this.options.authFailed?.(this);
    if (this.state === "closed") return;
    if (!decision) return this.refuse(CloseCode.unauthorized, auth.token ? "invalid token" : NO_TOKEN);
    this.options.authSucceeded?.(this, auth.token);
    const grant = (this.grant = toGrant(decision));
    const refusal = this.options.admit?.(this);
    if (refusal !== undefined) return this.refuse(TRY_AGAIN_LATER, refusal);
    let channels: string[];
    if (auth.channels === undefined) {
      // A predicate decides channel by channel: it cannot say which to join (it once gave every channel).
      if (grant.defaults === null) return this.refuse(CloseCode.forbidden, "name the channels to join in auth.channels: this token's channels are decided one by one (authenticate returned a predicate)");
      channels = grant.defaults === "*" ? [EVERY_CHANNEL] : grant.defaults;
    } else {
      const refusals = refusedChannels(grant, auth.channels, this.options.maxChannels);
      if (refusals.length > 0) return this.refuse(CloseCode.forbidden, refusals.join("; "));
      channels = [...new Set(auth.channels)];
    }
    // `since` names channels too: judged as `auth.channels` are (a socket following every channel reads them).
    const badSince = Object.keys(auth.since ?? {}).flatMap((channel) => channelProblem(channel, `auth.since[${quoteInput(channel)}]`) ?? []);
    if (badSince.length > 0) return this.refuse(CloseCode.forbidden, badSince.slice(0, 3).join("; "));
    this.channels = channels;
    this.state = "replaying";
    // Cleanup unsubscribes by channel name: no closure kept per socket and channel.
    for (const channel of channels) this.options.hub.subscribe(channel, this);
    await this.replay(auth);
  }

  /** Sends `ready` and what the client missed (read by missed-changes.ts). */
  private async replay(auth: AuthMessage): Promise<void> {
    let missed;
    try {
      missed = await readMissed(this.options.hub, this.channels, auth);
    } catch (error) {
      return this.unavailable(error);
    }
    if (this.state === "closed") return;
    const { followed, since, reads, trusted } = missed;
    // Built from entries: a channel may be named "__proto__".
    const seq: Record<string, number> = Object.fromEntries(followed.map((channel, i) => [channel, reads[i].current]));
    const epoch = this.options.hub.epoch;
    this.send({ type: "ready", channels: this.channels, seq, epoch });
    for (let i = 0; i < followed.length; i++) {
      const channel = followed[i];
      const { current, entries } = reads[i];
      if (since[channel] === undefined) this.lastSent.set(channel, current);
      else if (!trusted || entries === null) this.sendResync(channel, current);
      else {
        const missedHere = await this.readMissedOn(channel, since[channel], current, epoch);
        if (this.isClosed()) return;
        if (missedHere === null) this.sendResync(channel, current);
        else await this.sendReplay(missedHere);
        if (this.isClosed()) return;
        this.lastSent.set(channel, Math.max(this.lastSent.get(channel) ?? 0, current));
      }
    }
    if (this.isClosed()) return;
    this.state = "live";
    this.options.log({ type: "connected", channels: this.channels });
    for (const item of this.pending.splice(0)) {
      if ("resync" in item) this.resync(item.resync, item.seq);
      else this.sendChange(item);
    }
    for (const message of this.early.splice(0)) {
      if (message.type === "sync") this.syncSafely(message);
      else this.send(message);
    }
  }

  /**
   * The changes of `channel` after `since`, up to `current` (what `ready`
   * said; later ones are held for the socket and follow), read when the
   * replay comes to it; null when the log no longer has them all, or began
   * again since `ready` gave `epoch` (the client resyncs). A log that fails
   * closes the socket.
   */
  private async readMissedOn(channel: string, since: number, current: number, epoch: string): Promise<SequencedChange[] | null> {
    try {
      const { entries } = await this.options.hub.read(channel, since);
      return entries === null || this.options.hub.epoch !== epoch ? null : entries.filter((entry) => entry.seq <= current);
    } catch (error) {
      this.unavailable(error);
      return null;
    }
  }

  /** The change log failed while the socket's replay was read: said in the log, and the client tries again later. */
  private unavailable(error: unknown): void {
    this.options.log({ type: "error", context: "replay", message: errorReason(error) });
    this.close(1011, "live server unavailable, try again");
  }

  /**
   * Sends a replay at the pace the client reads it. A replay may hold more
   * than a socket may keep unsent (maxBufferedBytes): past half of that, the
   * next frame waits until what is buffered has been written out, rather
   * than the socket being dropped as slow for what the server itself sent
   * at once. (A client that stops reading meanwhile is dropped for the live
   * changes held for it, past maxPending.)
   */
  private async sendReplay(entries: SequencedChange[]): Promise<void> {
    for (const entry of entries) {
      if (this.isClosed()) return;
      if (this.ws.bufferedAmount <= this.options.maxBufferedBytes / 2) this.sendChange(entry);
      // Resolves once this frame (and all before it) is written out.
      else await new Promise<void>((resolve) => this.sendChange(entry, resolve));
    }
  }

  /** Runs a sync request, unless too many of this socket's already wait for the backend. */
  private async sync(message: SyncMessage): Promise<void> {
    const max = this.options.maxSyncInFlight;
    if (this.syncsInFlight >= max) {
      return this.send({ type: "error", requestId: message.requestId, message: `${max} sync requests of this socket already wait for an answer; send more once one is answered` });
    }
    this.syncsInFlight++;
    // The place is free once the request is answered: publishing its change after that is the server's wait, not the client's.
    let waiting = true;
    const answered = () => {
      if (waiting) this.syncsInFlight--;
      waiting = false;
    };
    try {
      await runSync(message, {
        backend: this.options.backend,
        hub: this.options.hub,
        log: this.options.log,
        grant: this.grant!,
        channels: this.channels,
        send: (answer) => {
          answered();
          this.send(answer);
        },
      });
    } finally {
      answered();
    }
  }

  private isClosed(): boolean {
    return this.state === "closed";
  }

  private hold(item: Pending): void {
    if (this.pending.length >= this.options.maxPending) return this.drop("backlog");
    this.pending.push(item);
  }

  /** `written`, if given, is called once the frame is written out (or at once when it is not sent). */
  private sendChange(entry: SequencedChange, written?: () => void): void {
    const last = this.lastSent.get(entry.channel);
    if (last !== undefined && entry.seq <= last) return written?.();
    this.lastSent.set(entry.channel, entry.seq);
    entry.frame ??= changeFrame(entry.channel, entry.seq, entry.change);
    this.sendRaw(entry.frame, written);
  }

  private sendResync(channel: string, seq: number): void {
    this.lastSent.set(channel, seq);
    this.send({ type: "resync", channel, seq });
  }

  private send(message: ServerMessage): void {
    this.sendRaw(JSON.stringify(message));
  }

  /** The memory bound: a socket whose unsent bytes pass the cap is dropped, not buffered further. */
  private sendRaw(data: string | Buffer, written?: () => void): void {
    if (this.ws.readyState !== WebSocket.OPEN) return written?.();
    if (this.ws.bufferedAmount > this.options.maxBufferedBytes) {
      this.drop("slow");
      return written?.();
    }
    this.ws.send(data, { binary: false }, written && (() => written()));
  }

  private refuse(code: number, message: string): void {
    if (this.state === "closed") return;
    this.options.log({ type: "refused", code, message });
    this.send({ type: "error", message });
    this.close(code, message);
  }

  private cleanup(): void {
    if (this.state === "closed") return;
    this.state = "closed";
    clearTimeout(this.authTimer);
    for (const channel of this.channels) this.options.hub.unsubscribe(channel, this);
    this.pending = [];
    this.early = [];
    this.earlyBytes = 0;
    this.options.onClose(this);
  }
}

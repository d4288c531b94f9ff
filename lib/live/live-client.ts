import { systemClock, type Clock } from "../env/clock";
import { liveHostOf } from "./live-apply";
import type { LiveAtmos, LiveHost } from "./live-host";
import { CloseCode, type AuthMessage, type ServerMessage } from "./live-protocol";
import { readServerFrame } from "./server-frame";
import { connectUrl, type LiveConnectOptions } from "./connect-args";
export type { LiveConnectOptions } from "./connect-args";
export { socketUrl } from "./connect-args";
import { reconnectDelay, type BackoffOptions } from "./reconnect-backoff";
import { SeqRecord } from "./seq-record";
import { defaultWebSocket, retire, type LiveSocket, type LiveSocketConstructor } from "./live-socket";

export type { LiveSocket, LiveSocketConstructor } from "./live-socket";

export interface LiveClientOptions {
  /** Defaults to `globalThis.WebSocket`, else the `ws` package (Node). */
  WebSocket?: LiveSocketConstructor;
  clock?: Clock;
  /** Randomness for the backoff jitter; [0, 1). */
  random?: () => number;
  backoff?: BackoffOptions;
  /** Collections pulled after a resync; default: one `host.pull()` for every model. */
  resyncCollections?: string[];
}

/** Codes after which reconnecting cannot help: the server refused the token or a channel. */
const REFUSED = new Set<number>([CloseCode.unauthorized, CloseCode.forbidden]);

/*
 * Connection states:
 *
 *   idle ──connect()──▶ opening ──open──▶ authenticating ──ready──▶ connected
 *    ▲                     ▲                    │ 4401/4403              │ close/error
 *    │                     └──backoff timer── waiting ◀──────────────────┘
 *    └──── disconnect() from any state; refusal (4401/4403) ──────────────
 *
 * Messages are handled one at a time on a promise chain, so a change is fully
 * applied (and its seq stored) before the next one starts.
 */
type State = "idle" | "opening" | "authenticating" | "connected" | "waiting";
/** `atmos.live.connectionState`: one of the states drawn above. */
export type LiveConnectionState = State;

/**
 * `atmos.live`: receives changes from an atmos2-server and applies them
 * through the host. One connection's state machine (connect, open, frames,
 * close, backoff, refusals): its steps share the state and the generation
 * that tell a current socket's events from a replaced one's, which is why it
 * is longer than the others (frames are read in server-frame.ts, arguments
 * checked in connect-args.ts).
 */
export class LiveClient {
  private state: State = "idle";
  private socket: LiveSocket | undefined;
  /** The WebSocket class: the option, else found by the first connect() (see defaultWebSocket). */
  private Socket: LiveSocketConstructor | undefined;
  /** Bumped per socket so events of a replaced socket are ignored. */
  private generation = 0;
  private attempt = 0;
  /** Reconnects for holes in the seqs (or unreadable frames) since a change last came in order. */
  private restarts = 0;
  /** Resync frames received and not handled yet. */
  private resyncsQueued = 0;
  private timer: unknown;
  private url = "";
  private auth: LiveConnectOptions = {};
  private seqs: SeqRecord;
  private chain: Promise<void> = Promise.resolve();
  private lastServerError: string | undefined;
  /** The last close before `ready` reported (code and reason), until one is accepted. */
  private saidBeforeReady: string | undefined;
  private pending: { resolve(): void; reject(error: Error): void } | undefined;
  private clock: Clock;
  private random: () => number;

  private host: LiveHost;

  /** `host`: an Atmos instance (as `atmos.live` makes it), or any LiveHost. */
  constructor(host: LiveHost | LiveAtmos, private options: LiveClientOptions = {}) {
    this.host = "applyLiveChange" in host ? host : liveHostOf(host);
    this.seqs = new SeqRecord(this.host.store, this.host.prefix, () => this.host.recordsStored?.() ?? true);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
  }

  /** True between the server's `ready` and the next disconnect. */
  get connected(): boolean {
    return this.state === "connected";
  }

  /**
   * Where the connection stands, for a status view: "idle" (never connected,
   * disconnected, or refused), "opening", "authenticating", "connected", or
   * "waiting" (to reconnect after a back-off).
   */
  get connectionState(): LiveConnectionState {
    return this.state;
  }

  /** Last applied seq per channel (a copy). */
  get seq(): Record<string, number> {
    return { ...this.seqs.seqs };
  }

  /**
   * Opens `/live` and authenticates. Resolves once the server sent `ready`;
   * rejects (and emits `live:error`) when it refuses the token or a channel.
   * Transient failures are retried with backoff meanwhile. Does no pull.
   */
  connect(url: string, options: LiveConnectOptions = {}): Promise<void> {
    try {
      url = connectUrl(url, options);
    } catch (error) {
      return Promise.reject(error);
    }
    this.stop(new Error("live.connect was called again"));
    this.url = url;
    this.auth = { token: options.token, channels: options.channels };
    this.state = "opening";
    this.attempt = 0;
    this.restarts = 0;
    this.saidBeforeReady = undefined;
    const generation = this.generation;
    const ready = new Promise<void>((resolve, reject) => (this.pending = { resolve, reject }));
    // Stored seqs are read first, so a reloaded page resumes where it stopped;
    // then the WebSocket class is found (in Node 20 that loads `ws`, once).
    this.chain = this.chain.then(() => this.seqs.load()).then(
      () => this.findSocket().then(
        () => { if (generation === this.generation && this.state === "opening") this.open(); },
        // No WebSocket at all (Node without ws) rejects connect().
        (error: Error) => { if (generation === this.generation) this.refuse(error); },
      ),
      (error: Error) => this.refuse(new Error(`live: could not read the stored seqs: ${error.message}`)),
    );
    return ready;
  }

  /**
   * The network is back (the Atmos went online): a socket waiting out its
   * back-off opens now instead of up to a minute later. The back-off still
   * grows if this try fails too.
   */
  wake(): void {
    if (this.state !== "waiting") return;
    this.clock.clearTimeout(this.timer);
    this.open();
  }

  /** Closes the socket and stops reconnecting until the next `connect()`. */
  disconnect(): void {
    this.stop(new Error("live.disconnect() was called before the server accepted the connection"));
  }

  private stop(reason: Error): void {
    const wasConnected = this.state === "connected";
    this.state = "idle";
    this.generation++;
    this.clock.clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = undefined;
    if (socket) retire(socket, "client disconnect");
    if (wasConnected) this.host.emit("live:disconnected", { code: 1000, reason: "client disconnect" });
    this.pending?.reject(reason);
    this.pending = undefined;
  }

  private open(): void {
    const generation = ++this.generation;
    let socket: LiveSocket;
    try {
      socket = new this.Socket!(this.url);
    } catch (error) {
      return this.refuse(error as Error);
    }
    this.socket = socket;
    this.lastServerError = undefined;
    this.state = "opening";
    socket.onopen = () => {
      if (generation !== this.generation) return;
      this.state = "authenticating";
      socket.send(JSON.stringify(this.authMessage()));
    };
    socket.onmessage = (event) => {
      if (generation !== this.generation) return;
      let message: ServerMessage;
      try {
        message = readServerFrame(event.data);
      } catch (error) {
        // In turn, after the frames before it: without a good `ready` there is nothing to go on, so try again.
        return this.enqueue(() => {
          if (generation !== this.generation) return;
          this.host.emit("live:error", { error: error as Error });
          if (this.state === "authenticating") this.restart(generation);
        });
      }
      // Remember a refusal's reason synchronously: the close may arrive before the chain gets to it.
      if (message.type === "error" && message.requestId === undefined) this.lastServerError = message.message;
      const resync = message.type === "resync";
      if (resync) this.resyncsQueued++;
      this.enqueue(() => {
        if (resync) this.resyncsQueued--;
        return this.handle(message, generation);
      });
    };
    socket.onclose = (event) => {
      if (generation !== this.generation) return;
      this.enqueue(() => this.closed(event.code, event.reason, generation));
    };
    socket.onerror = () => {
      // Always followed by close, which decides what to do.
    };
  }

  /**
   * Runs `step` after the ones before it. A step that fails is reported and
   * the chain goes on: one rejected step would otherwise stop every later
   * frame and close from being handled.
   */
  private enqueue(step: () => unknown): void {
    this.chain = this.chain.then(step).then(
      () => undefined,
      (error: Error) => this.host.emit("live:error", { error }),
    );
  }

  private async findSocket(): Promise<void> {
    // Plain ifs: the ES5 build's async transform turns `a ?? (await b)` inside out.
    if (this.Socket) return;
    if (this.options.WebSocket) this.Socket = this.options.WebSocket;
    else this.Socket = await defaultWebSocket();
  }

  private authMessage(): AuthMessage {
    const message: AuthMessage = { type: "auth", token: this.auth.token ?? "" };
    if (this.auth.channels) message.channels = this.auth.channels;
    const since: Record<string, number> = Object.create(null);
    for (const [channel, seq] of Object.entries(this.seqs.seqs)) {
      if (!this.auth.channels || this.auth.channels.includes(channel)) since[channel] = seq;
    }
    if (Object.keys(since).length > 0) message.since = since;
    if (this.seqs.epoch) message.epoch = this.seqs.epoch;
    return message;
  }

  private async handle(message: ServerMessage, generation: number): Promise<void> {
    if (generation !== this.generation) return;
    switch (message.type) {
      case "ready": {
        // Back in the same epoch and following every channel: the server
        // replays the channels that began while this client was away.
        const replayed = message.epoch === this.seqs.epoch && message.channels.includes("*");
        await this.seqs.setEpoch(message.epoch);
        // A channel seen for the first time starts at the server's current seq.
        for (const [channel, seq] of Object.entries(message.seq)) {
          if (this.seqs.get(channel) === undefined && !replayed) await this.seqs.set(channel, seq);
        }
        if (generation !== this.generation) return;
        this.state = "connected";
        this.attempt = 0;
        this.saidBeforeReady = undefined;
        this.host.emit("live:connected", { channels: message.channels, seq: message.seq });
        this.pending?.resolve();
        this.pending = undefined;
        return;
      }
      case "change": {
        // Nothing comes before ready (the protocol): a change then is no server's to follow.
        if (this.state !== "connected") {
          this.host.emit("live:error", { error: new Error("live: the server sent a change before ready (the protocol allows nothing before it): skipped") });
          return;
        }
        const last = this.seqs.get(message.channel);
        if (last !== undefined && message.seq <= last) return; // already applied
        if (last !== undefined && message.seq > last + 1) {
          // A hole should never happen; reconnecting makes the server replay it.
          this.host.emit("live:error", { error: new Error(`live: missed changes ${last + 1}..${message.seq - 1} on ${message.channel}, resuming`) });
          return this.restart(generation);
        }
        // In order: a later hole starts its backoff afresh.
        this.restarts = 0;
        let kept = false;
        try {
          kept = (await this.host.applyLiveChange(message.change)) === "kept";
        } catch (error) {
          // Skip it rather than stall every later change behind it; the host reports why.
          this.host.emit("live:error", { error: error as Error, change: message.change });
        }
        // Disconnected (or closed) while it was applied: not counted, so the next connection replays it.
        if (generation !== this.generation) return;
        await this.seqs.set(message.channel, message.seq);
        const payload = { ...message.change, channel: message.channel, seq: message.seq, change: message.change };
        this.host.emit("live:change", kept ? { ...payload, kept } : payload);
        return;
      }
      case "resync": {
        await this.seqs.set(message.channel, message.seq);
        this.host.emit("live:resync", { channel: message.channel, seq: message.seq });
        // A run of resyncs (a server that restarted, with many channels) needs one pull: the last one's.
        if (this.resyncsQueued === 0) await this.pullAll();
        return;
      }
      case "error":
        if (message.requestId === undefined && this.state === "connected") this.host.emit("live:error", { error: new Error(message.message) });
        return;
      default:
        return;
    }
  }

  private async pullAll(): Promise<void> {
    if (!this.host.pull) return;
    try {
      const collections = this.options.resyncCollections;
      if (collections && collections.length > 0) for (const collection of collections) await this.host.pull(collection);
      else await this.host.pull();
    } catch (error) {
      this.host.emit("live:error", { error: error as Error });
    }
  }

  private async closed(code: number, reason: string, generation: number): Promise<void> {
    if (generation !== this.generation) return;
    const wasConnected = this.state === "connected";
    this.socket = undefined;
    if (wasConnected) this.host.emit("live:disconnected", { code, reason });
    if (REFUSED.has(code)) return this.refuse(new Error(this.lastServerError ?? `live: the server refused the connection (${code})`), code);
    // The server answered, then let the socket go before accepting it (1013
    // "too many failed auths … try again in 60 s", a full server, 1011): said
    // once per reason until it accepts one, as it is tried again.
    if (this.state === "authenticating") {
      const why = this.lastServerError ?? reason;
      const said = `${code} ${why}`;
      if (said !== this.saidBeforeReady) {
        this.saidBeforeReady = said;
        this.host.emit("live:error", { error: new Error(`live: the server closed the connection before accepting it (close code ${code}${why ? `: ${why}` : ""}); retrying with backoff`), code });
      }
    }
    // The first try of a connect() could not even open the socket: said
    // once (a wrong URL would otherwise wait for ever without a word), not
    // on every backoff step of an outage.
    if (this.state === "opening" && this.pending && this.attempt === 0) {
      const error = new Error(`live: could not open ${this.url} (close code ${code}); retrying with backoff. The network is down, or no atmos2 live server answers at this URL (atmos2-server's path is /live)`);
      this.host.emit("live:error", { error, code });
    }
    this.scheduleReconnect();
  }

  /**
   * Drops the current socket and reconnects (after a hole in the seqs, or a
   * frame it could not read), at once the first time, then with backoff: a
   * server that keeps skipping a seq would be asked again a thousand times a
   * second.
   */
  private restart(generation: number): void {
    if (generation !== this.generation) return;
    const socket = this.socket;
    this.generation++;
    this.socket = undefined;
    if (socket) retire(socket, "resuming");
    if (this.state === "connected") this.host.emit("live:disconnected", { code: 1000, reason: "resuming" });
    const restarts = this.restarts++;
    if (restarts === 0) return this.open();
    this.scheduleReconnect(restarts - 1);
  }

  private scheduleReconnect(attempt = this.attempt++): void {
    this.state = "waiting";
    const delay = reconnectDelay(attempt, this.random(), this.options.backoff);
    const generation = this.generation;
    this.timer = this.clock.setTimeout(() => {
      if (generation === this.generation && this.state === "waiting") this.open();
    }, delay);
  }

  private refuse(error: Error, code?: number): void {
    this.state = "idle";
    this.generation++;
    this.host.emit("live:error", code === undefined ? { error } : { error, code });
    this.pending?.reject(error);
    this.pending = undefined;
  }
}

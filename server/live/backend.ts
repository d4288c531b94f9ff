import { SyncMethod } from "../../lib/live/live-protocol";

/** A sync request as middleware sees it (Backbone.IO's `req`). */
export interface BackendRequest {
  method: SyncMethod;
  collection: string;
  /** The model's attributes (for read: the query, e.g. `{ id }`; may be empty). */
  model: Record<string, unknown>;
  options: Record<string, unknown>;
  /** The channel a successful write is published on. */
  channel?: string;
  /** Whatever `authenticate` said the socket is. */
  user?: unknown;
  /** Free for middleware to pass things down the chain. */
  locals: Record<string, unknown>;
}

/** How middleware answers: `res.end(result)` or `res.error(err)`. */
export interface BackendResponse {
  end(result?: unknown): void;
  error(error: unknown): void;
}

/** Call `next()` to pass on, `next(err)` to reject the request. */
export type Middleware = (req: BackendRequest, res: BackendResponse, next: (error?: unknown) => void) => unknown;

interface Layer {
  methods: SyncMethod[] | null;
  fn: Middleware;
}

const METHODS: readonly SyncMethod[] = ["create", "read", "update", "delete"];

/**
 * A middleware chain in the style of Backbone.IO backends:
 *
 *   backend.use(auth);                       // every method
 *   backend.use("create", "update", validate);
 *   backend.read((req, res) => res.end(rows));
 *
 * Layers run in the order they were added; the first to answer wins.
 */
export class Backend {
  private layers: Layer[] = [];

  use(...args: [...methods: SyncMethod[], fn: Middleware]): this {
    const fn = args[args.length - 1];
    if (typeof fn !== "function") throw new Error("backend.use(...methods, fn): the last argument must be a middleware function");
    const methods = args.slice(0, -1) as SyncMethod[];
    for (const method of methods) {
      if (!METHODS.includes(method)) throw new Error(`backend.use: unknown method "${String(method)}" (use create, read, update or delete)`);
    }
    this.layers.push({ methods: methods.length > 0 ? methods : null, fn });
    return this;
  }

  create(fn: Middleware): this {
    return this.use("create", fn);
  }

  read(fn: Middleware): this {
    return this.use("read", fn);
  }

  update(fn: Middleware): this {
    return this.use("update", fn);
  }

  delete(fn: Middleware): this {
    return this.use("delete", fn);
  }

  /** Runs the chain; resolves with the answer, rejects with the first error. */
  handle(req: BackendRequest): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let settled = false;
      let index = 0;
      const settle = (error: unknown, result?: unknown) => {
        if (settled) return;
        settled = true;
        if (error !== undefined && error !== null) reject(error);
        else resolve(result);
      };
      const res: BackendResponse = {
        end: (result) => settle(null, result),
        error: (error) => settle(error ?? new Error("backend error")),
      };
      const next = (error?: unknown): void => {
        if (settled) return;
        if (error !== undefined && error !== null) return settle(error);
        const layer = this.findNext(req.method, index);
        if (!layer) return settle(new Error(`no backend middleware answered ${req.method} ${req.collection}`));
        index = this.layers.indexOf(layer) + 1;
        let called = false;
        const once = (err?: unknown) => {
          if (called) return;
          called = true;
          next(err);
        };
        try {
          const out = layer.fn(req, res, once);
          if (out && typeof (out as Promise<unknown>).then === "function") {
            (out as Promise<unknown>).then(undefined, (err: unknown) => settle(err ?? new Error("middleware rejected")));
          }
        } catch (err) {
          settle(err ?? new Error("middleware threw"));
        }
      };
      next();
    });
  }

  private findNext(method: SyncMethod, from: number): Layer | undefined {
    for (let i = from; i < this.layers.length; i++) {
      const layer = this.layers[i];
      if (!layer.methods || layer.methods.includes(method)) return layer;
    }
    return undefined;
  }
}

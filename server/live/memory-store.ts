import { randomUUID } from "node:crypto";
import { Middleware } from "./backend";
import { idToCreate, requireId, storeChannel } from "./store-request";

type Row = Record<string, unknown>;

/** The last layer of a backend that keeps records in a Map (tests, demos). */
export type MemoryStoreMiddleware = Middleware & {
  /** channel → collection → id → record, for inspection. */
  readonly channels: Map<string, Map<string, Map<string, Row>>>;
};

/**
 * Backbone.IO's memoryStore: create (assigns a UUID when the model has no
 * id), read (one by id, or all), update (merges), delete. Records are copied
 * in and out so callers cannot mutate the store behind its back.
 *
 * Records belong to the channel of the request that wrote them: a request
 * reads, updates and deletes only its own channel's records (the sync
 * request's channel, which the socket's token must be allowed), and one id
 * on two channels is two records. A request without a channel is refused.
 */
export function memoryStore(): MemoryStoreMiddleware {
  const channels = new Map<string, Map<string, Map<string, Row>>>();
  /** The channel's records of a collection; made only for a create, so reads of unknown channels keep nothing. */
  const table = (channel: string, collection: string, make: boolean): Map<string, Row> => {
    let collections = channels.get(channel);
    if (!collections && !make) return new Map();
    if (!collections) channels.set(channel, (collections = new Map()));
    let rows = collections.get(collection);
    if (!rows && !make) return new Map();
    if (!rows) collections.set(collection, (rows = new Map()));
    return rows;
  };
  const middleware: Middleware = (req, res) => {
    const channel = storeChannel(req, "memoryStore");
    const model = req.model ?? {};
    const rows = table(channel, req.collection, req.method === "create");
    switch (req.method) {
      case "create": {
        const id = idToCreate(model, randomUUID);
        if (rows.has(id)) return res.error(new Error(`${req.collection} ${id} already exists`));
        const row = { ...model, id };
        rows.set(id, row);
        return res.end({ ...row });
      }
      case "read": {
        if (model.id === undefined) return res.end([...rows.values()].map((row) => ({ ...row })));
        const row = rows.get(String(model.id));
        return row ? res.end({ ...row }) : res.error(new Error(`${req.collection} ${String(model.id)} not found`));
      }
      case "update": {
        const id = requireId(req);
        const existing = rows.get(id);
        if (!existing) return res.error(new Error(`${req.collection} ${id} not found`));
        const row = { ...existing, ...model, id };
        rows.set(id, row);
        return res.end({ ...row });
      }
      case "delete": {
        const id = requireId(req);
        const existing = rows.get(id);
        if (!existing) return res.error(new Error(`${req.collection} ${id} not found`));
        rows.delete(id);
        return res.end({ ...existing });
      }
    }
  };
  return Object.assign(middleware, { channels });
}

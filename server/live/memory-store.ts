import { randomUUID } from "node:crypto";
import { BackendRequest, Middleware } from "./backend";

type Row = Record<string, unknown>;

/** The last layer of a backend that keeps records in a Map (tests, demos). */
export type MemoryStoreMiddleware = Middleware & {
  /** collection → id → record, for inspection. */
  readonly collections: Map<string, Map<string, Row>>;
};

function requireId(req: BackendRequest): string {
  const id = req.model?.id;
  if (id === undefined || id === null || id === "") throw new Error(`${req.method} ${req.collection} needs model.id`);
  return String(id);
}

/**
 * Backbone.IO's memoryStore: create (assigns a UUID when the model has no
 * id), read (one by id, or all), update (merges), delete. Records are copied
 * in and out so callers cannot mutate the store behind its back.
 */
export function memoryStore(): MemoryStoreMiddleware {
  const collections = new Map<string, Map<string, Row>>();
  const table = (name: string) => {
    let rows = collections.get(name);
    if (!rows) collections.set(name, (rows = new Map()));
    return rows;
  };
  const middleware: Middleware = (req, res) => {
    const rows = table(req.collection);
    const model = req.model ?? {};
    switch (req.method) {
      case "create": {
        const id = model.id === undefined || model.id === null || model.id === "" ? randomUUID() : String(model.id);
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
  return Object.assign(middleware, { collections });
}

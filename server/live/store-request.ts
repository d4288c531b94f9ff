import { BackendRequest } from "./backend";

/**
 * The channel whose records a store request reads or writes. The stores keep
 * each channel's records apart (a socket allowed `user:a` never sees or
 * changes what was written on `user:b`), so a request that names no channel
 * (a socket on several channels that left out `sync.channel`, or a server-side
 * call without `channel`) is refused rather than given some other scope.
 */
export function storeChannel(req: BackendRequest, store: string): string {
  const channel = req.channel;
  if (typeof channel !== "string" || channel === "") {
    throw new Error(`${store}: ${req.method} ${req.collection} needs a channel; name it in sync.channel (a socket on several channels must)`);
  }
  return channel;
}

/** The id an update or delete names. */
export function requireId(req: BackendRequest): string {
  const id = req.model?.id;
  if (id === undefined || id === null || id === "") throw new Error(`${req.method} ${req.collection} needs model.id`);
  return String(id);
}

/** The id a create stores the record under: the model's own, or a new one. */
export function idToCreate(model: Record<string, unknown>, newId: () => string): string {
  return model.id === undefined || model.id === null || model.id === "" ? newId() : String(model.id);
}

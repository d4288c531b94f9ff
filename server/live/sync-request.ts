import type { LiveChange, ServerMessage, SyncMessage } from "../../lib/live/live-protocol";
import type { Grant } from "./authenticate";
import { errorReason } from "./error-reason";
import type { Backend } from "./backend";
import { quoteInput } from "./change-validation";
import { EVERY_CHANNEL, type LiveHub } from "./live-hub";
import type { LiveLog } from "./live-log";

const WRITE_TYPES: Record<string, LiveChange["type"] | undefined> = { create: "created", update: "updated", delete: "deleted" };

/** What a sync request of one authenticated socket needs. */
export interface SyncContext {
  backend: Backend;
  hub: LiveHub;
  log: LiveLog;
  grant: Grant;
  /** The channels the socket joined (EVERY_CHANNEL for all). */
  channels: string[];
  send(message: ServerMessage): void;
}

/**
 * A socket's sync request (Backbone.IO style): the backend answers it, the
 * sender gets the result or the error, and a successful write is published
 * on its channel (the socket's only one unless the request names one it may use).
 */
export async function runSync(message: SyncMessage, context: SyncContext): Promise<void> {
  const { requestId, method, collection } = message;
  const { grant, channels, send, log } = context;
  const model = message.model ?? {};
  const joined = channels.filter((c) => c !== EVERY_CHANNEL);
  const channel = message.channel ?? (joined.length === 1 && !channels.includes(EVERY_CHANNEL) ? joined[0] : undefined);
  const changeType = WRITE_TYPES[method];
  if (changeType && channel === undefined) {
    return send({ type: "error", requestId, message: `sync ${method}: name the channel to publish on (sync.channel)` });
  }
  if (channel !== undefined && !grant.allows(channel)) {
    return send({ type: "error", requestId, message: `sync: not allowed on channel ${quoteInput(channel)}` });
  }
  let result: unknown;
  try {
    result = await context.backend.handle({ method, collection, model, options: message.options ?? {}, channel, user: grant.user, locals: {} });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    return send({ type: "error", requestId, message: text || "rejected" });
  }
  try {
    send({ type: "result", requestId, result: result ?? null });
  } catch (error) {
    // An answer JSON cannot write (a BigInt, a cycle): that request fails, and nothing is published.
    return send({ type: "error", requestId, message: `the backend's answer to sync ${method} ${quoteInput(collection)} could not be written as JSON: ${(error as Error).message}` });
  }
  if (!changeType || channel === undefined) return;
  const attrs = typeof result === "object" && result !== null && !Array.isArray(result) ? (result as Record<string, unknown>) : model;
  const id = attrs.id ?? model.id;
  if (id === undefined || id === null) {
    return log({ type: "error", context: "sync", message: `${method} ${collection}: the backend answered without an id, nothing published` });
  }
  try {
    await context.hub.publish(channel, { type: changeType, collection, id: String(id), attrs });
  } catch (error) {
    log({ type: "error", context: "publish", message: errorReason(error) });
  }
}

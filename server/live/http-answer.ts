import type { IncomingMessage } from "node:http";

/**
 * Whether the request sends a body. One that nothing reads is not drained:
 * its answer says `Connection: close`, so a client dribbling it cannot keep
 * the connection once it is answered.
 */
export function sendsBody(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
}

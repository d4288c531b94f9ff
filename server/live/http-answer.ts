import { ServerResponse, type IncomingMessage, type Server } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";

/**
 * On every answer the live server makes: its JSON is never sniffed as
 * something else, and no cache between (a browser's, a proxy's) keeps an
 * answer that is only true now (a health state, a seq, a refusal).
 */
export const ANSWER_HEADERS: Readonly<Record<string, string>> = { "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store" };

/** ANSWER_HEADERS as lines of a raw HTTP answer (a refused upgrade is written to its socket). */
export const RAW_ANSWER_HEADERS = Object.entries(ANSWER_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`).join("");

/** A raw HTTP answer of `text` (an upgrade's socket is answered so), with ANSWER_HEADERS, `headers` (whole lines) and Connection: close. */
export function rawTextAnswer(status: number, statusText: string, text: string, headers = ""): string {
  return `HTTP/1.1 ${status} ${statusText}\r\n${headers}${RAW_ANSWER_HEADERS}Connection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`;
}

/**
 * Answers an upgrade with a plain HTTP response and closes it. Node leaves an
 * upgraded socket without an `error` listener: a client resetting it
 * meanwhile would be an uncaught ECONNRESET, ending the server process.
 */
export function refuseUpgrade(socket: Duplex, response: string): void {
  socket.on("error", () => {});
  socket.end(response);
}

/** Answers `body` as JSON, with ANSWER_HEADERS and `headers`. */
export function answerJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...ANSWER_HEADERS, "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Whether the request sends a body. One that nothing reads is not drained:
 * its answer says `Connection: close`, so a client dribbling it cannot keep
 * the connection once it is answered.
 */
export function sendsBody(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
}

/**
 * Whether the client waits for "100 Continue" before it sends its body and
 * has not had it: Node sends it at once itself unless the server listens
 * for "checkContinue" (whose handler may have sent it too).
 */
export function awaitsContinue(req: IncomingMessage, res: ServerResponse): boolean {
  return /100-continue/i.test(String(req.headers.expect ?? "")) && !(res as { _sent100?: boolean })._sent100;
}

/**
 * The path a request names, without its query: from `/update?x`, or from
 * a whole URL (`http://host/update`, the absolute form HTTP/1.1 servers
 * must take). A target that is neither is returned as sent (it matches no route).
 */
export function requestPath(target: string | undefined): string {
  const path = (target || "/").split("?")[0];
  if (path.startsWith("/")) return path;
  try {
    return new URL(path).pathname;
  } catch {
    return path;
  }
}

/** Whether the request asks to upgrade to WebSocket (not to `h2c`, say). */
export function wantsWebSocket(req: IncomingMessage): boolean {
  return /^\s*websocket\s*$/i.test(String(req.headers.upgrade ?? ""));
}

/**
 * A request that asks to upgrade to something other than WebSocket (curl
 * --http2 sends `Upgrade: h2c` over plain HTTP) reaches the 'upgrade'
 * listeners, not 'request': it is answered as the plain request it also is,
 * by `server`'s 'request' listeners, on its socket, which then closes. Its
 * body is out of the parser's hands by then: one with a body gets 501,
 * saying to send it without the header.
 */
export function answerAsPlainRequest(server: Server, req: IncomingMessage, socket: Duplex): void {
  const asked = String(req.headers.upgrade);
  if (sendsBody(req)) return refuseUpgrade(socket, rawTextAnswer(501, "Not Implemented", `this server does not switch to "${asked}" (Upgrade: ${asked}); send the request without the Upgrade header`));
  // Left without an `error` listener, as refuseUpgrade says.
  socket.on("error", () => {});
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.on("finish", () => {
    res.detachSocket(socket as Socket);
    socket.end();
  });
  // No body: a handler waiting for its end gets it at once.
  req.push(null);
  server.emit("request", req, res);
}

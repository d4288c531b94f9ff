import type * as http from "http";
import { ApiError } from "./api-error";

/** A complete answer, kept as data so it can be stored for idempotent replay. */
export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** Serialized body; empty for 204. */
  body: string;
}

/** A JSON answer. */
export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): ApiResponse {
  return {
    status,
    headers: { "Content-Type": "application/json; charset=UTF-8", ...headers },
    body: JSON.stringify(value, null, 1),
  };
}

/** An empty answer (Google sends 204 for delete and clear). */
export function emptyResponse(status = 204): ApiResponse {
  return { status, headers: {}, body: "" };
}

/** The Google error body for an ApiError. */
export function errorResponse(err: ApiError): ApiResponse {
  const headers: Record<string, string> = {};
  if (err.code === 401) headers["WWW-Authenticate"] = 'Bearer realm="https://accounts.google.com/", error="invalid_token"';
  return jsonResponse(err.code, err.toBody(), headers);
}

/** Writes an ApiResponse out. */
export function send(res: http.ServerResponse, response: ApiResponse, extraHeaders: Record<string, string> = {}): void {
  const headers: Record<string, string | number> = { ...extraHeaders, ...response.headers };
  headers["Content-Length"] = Buffer.byteLength(response.body);
  res.writeHead(response.status, headers);
  res.end(response.body);
}

/**
 * Reads the whole request body as text, refusing more than `maxBytes` with
 * 413. A too-large body is still drained (up to a hard cap) before the answer
 * is sent, because a client still writing when the socket closes sees a
 * network error instead of the 413 it should read.
 */
export function readBody(req: http.IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const tooLargeError = () =>
      new ApiError(413, `Request body is larger than the ${maxBytes} bytes this server accepts.`, "requestTooLarge");
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
        // A client that keeps streaming far past the limit is cut off.
        if (size > maxBytes * 16 + 1_048_576) {
          req.destroy();
          reject(tooLargeError());
        }
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => (tooLarge ? reject(tooLargeError()) : resolve(Buffer.concat(chunks).toString("utf8"))));
    // A client that hangs up mid-body is not a server failure; nothing was changed.
    req.on("error", () => reject(new ApiError(400, "The request body was cut off before it was complete.", "badRequest")));
  });
}

/**
 * Parses a JSON request body. An empty body is `undefined`; anything that is
 * not JSON is a 400 that quotes the parser's complaint.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError(400, `Invalid JSON payload received. ${(err as Error).message}`, "parseError");
  }
}

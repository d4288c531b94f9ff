import type * as http from "http";
import { ApiError } from "./api-error";
import { nestsDeeper } from "../../../server/live/change-validation";

/** How deep a request body may nest. */
const MAX_BODY_DEPTH = 64;

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
  const headers: Record<string, string> = { ...err.headers };
  if (err.code === 401) headers["WWW-Authenticate"] = 'Bearer realm="https://accounts.google.com/", error="invalid_token"';
  return jsonResponse(err.code, err.toBody(), headers);
}

/**
 * Writes an ApiResponse out, never to be cached; a HEAD request gets the headers of the GET
 * answer (its Content-Length included) and no body. `close` ends the
 * connection after the answer: used when the request's body was left unread.
 */
export function send(res: http.ServerResponse, response: ApiResponse, extraHeaders: Record<string, string> = {}, options: { head?: boolean; close?: boolean } = {}): void {
  // A person's lists and tasks: no browser cache or proxy keeps them (they
  // would outlive Sign out on a shared computer). The client asks again.
  const headers: Record<string, string | number> = { "Cache-Control": "no-store", ...extraHeaders, ...response.headers };
  headers["Content-Length"] = Buffer.byteLength(response.body);
  if (options.close) headers.Connection = "close";
  res.writeHead(response.status, headers);
  res.end(options.head ? undefined : response.body);
}

/** Whether the request says a body follows (a non-zero Content-Length, or chunks). */
export function hasBody(req: http.IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return (length !== undefined && Number(length) !== 0) || req.headers["transfer-encoding"] !== undefined;
}

/**
 * Refuses (415) a body sent compressed (`Content-Encoding: gzip`, …): this
 * server reads bodies as they come, and would otherwise take the compressed
 * bytes for text and complain that they are not UTF-8.
 */
export function refuseContentEncoding(req: http.IncomingMessage): void {
  const coding = req.headers["content-encoding"]?.trim();
  if (coding === undefined || coding === "" || coding.toLowerCase() === "identity") return;
  throw new ApiError(415, `This server does not decode "Content-Encoding: ${coding.slice(0, 100)}": send the JSON body uncompressed, without that header.`, "unsupportedContentEncoding", {
    name: "Content-Encoding",
    type: "header",
  });
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads the whole request body as text. More than `maxBytes` is a 413, given
 * without reading further: at once when Content-Length announces it, else as
 * soon as the chunks pass the limit. The caller then closes the connection,
 * so an unread remainder costs nothing. Bytes that are not UTF-8 are a 400
 * (decoding them would silently turn them into U+FFFD).
 */
export function readBody(req: http.IncomingMessage, maxBytes: number): Promise<string> {
  const tooLarge = () => new ApiError(413, `Request body is larger than the ${maxBytes} bytes this server accepts.`, "requestTooLarge");
  if (Number(req.headers["content-length"]) > maxBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      req.off("data", onData);
      req.pause();
      chunks.length = 0;
      reject(tooLarge());
    };
    req.on("data", onData);
    req.on("end", () => {
      try {
        resolve(UTF8.decode(Buffer.concat(chunks)));
      } catch {
        reject(new ApiError(400, "The request body is not valid UTF-8.", "parseError"));
      }
    });
    // A client that hangs up mid-body is not a server failure; nothing was changed.
    req.on("error", () => reject(new ApiError(400, "The request body was cut off before it was complete.", "badRequest")));
  });
}

/**
 * Parses a JSON request body. An empty body is `undefined`; anything that is
 * not JSON is a 400 that quotes the parser's complaint, and says what was
 * sent when the `Content-Type` was not JSON (a form, a page), since that is
 * then the thing to fix.
 */
export function parseJsonBody(text: string, contentType?: string): unknown {
  if (text.trim() === "") return undefined;
  // A task or list nests three levels (its links); scanned before parsing, which deep nesting makes slow.
  if (nestsDeeper(text, MAX_BODY_DEPTH)) throw new ApiError(400, `The request body nests objects or arrays deeper than ${MAX_BODY_DEPTH} levels; a task or list needs three.`, "badRequest");
  try {
    return JSON.parse(text);
  } catch (err) {
    const sentAs = contentType !== undefined && !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType.trim())
      ? ` The body was sent as "${contentType.slice(0, 100)}": this API reads JSON, sent with "Content-Type: application/json".`
      : "";
    throw new ApiError(400, `Invalid JSON payload received. ${(err as Error).message}${sentAs}`, "parseError");
  }
}

import * as http from "http";
import * as net from "net";

/** An answer read off the wire as text, and whether the server ended the connection. */
export interface RawAnswer {
  /** Everything the server sent, status lines and headers included. */
  text: string;
  status: number;
  headers: Record<string, string>;
  /** True once the server closed its side (FIN or reset). */
  closedByServer: boolean;
}

/**
 * Sends `head` (request line and headers, CRLF-separated, without the blank
 * line) and `body` bytes, then waits until the server has answered
 * completely and `until` says enough was seen, or the server closed. The
 * body is sent as given: a declared Content-Length may promise far more
 * than is sent, to see whether the server waits for it.
 */
export function rawExchange(port: number, head: string, body: Buffer | string = "", until: (text: string) => boolean = () => false): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let text = "";
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ text, closedByServer, ...parse(text) });
    };
    socket.on("connect", () => socket.write(Buffer.concat([Buffer.from(`${head}\r\n\r\n`), Buffer.from(body)])));
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      if (until(text)) finish(false);
    });
    socket.on("end", () => finish(true));
    socket.on("error", () => finish(true));
  });
}

function parse(text: string): { status: number; headers: Record<string, string> } {
  // The last answer on the wire (after a "100 Continue", the real one).
  const blocks = text.split(/\r\n\r\n/).filter((b) => /^HTTP\/1\.1 \d{3}/.test(b));
  const last = blocks[blocks.length - 1] ?? "";
  const [statusLine, ...lines] = last.split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0), headers };
}

/** A GET (or other method) with any Host header, which fetch would not let a spec set. */
export function requestWithHost(url: string, host: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? "GET", headers: { ...options.headers, host } }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

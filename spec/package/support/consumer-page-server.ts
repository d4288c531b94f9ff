import { randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { listen, shutdown } from "../../servers/listen";

export interface ConsumerPageServer {
  url: string;
  /** Task bodies the page POSTed, in order. */
  created: Record<string, unknown>[];
  close(): Promise<void>;
}

const types: Record<string, string> = { ".js": "text/javascript", ".html": "text/html", ".map": "application/json" };

/**
 * What a user's own site would be: `/` is the given page (other paths may
 * serve other pages), `/node_modules/…`
 * the consumer project's installed files (the script tags point there), and
 * `/tasks` a small REST collection in memory for the page's remote saves.
 */
export async function startConsumerPageServer(projectDir: string, page: string, otherPages: Record<string, string> = {}): Promise<ConsumerPageServer> {
  const modules = path.join(projectDir, "node_modules");
  const created: Record<string, unknown>[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://page.test");
    if (url.pathname === "/" || Object.hasOwn(otherPages, url.pathname)) {
      res.writeHead(200, { "Content-Type": "text/html" });
      return void res.end(url.pathname === "/" ? page : otherPages[url.pathname]);
    }
    if (url.pathname === "/favicon.ico") {
      res.writeHead(204);
      return void res.end();
    }
    if (url.pathname === "/tasks" && req.method === "GET") {
      res.writeHead(200, { "Content-Type": "application/json" });
      return void res.end(JSON.stringify(created));
    }
    if (url.pathname === "/tasks" && req.method === "POST") {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        const attrs = JSON.parse(body) as Record<string, unknown>;
        const task = { ...attrs, id: attrs.id ?? randomUUID() };
        created.push(task);
        res.writeHead(201, { "Content-Type": "application/json" });
        res.end(JSON.stringify(task));
      });
      return;
    }
    const file = path.join(modules, path.normalize(decodeURIComponent(url.pathname)).replace(/^[/\\]node_modules[/\\]/, ""));
    if (!url.pathname.startsWith("/node_modules/") || !file.startsWith(modules + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { "Content-Type": "text/plain" });
      return void res.end(`not found: ${url.pathname}`);
    }
    res.writeHead(200, { "Content-Type": types[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  const url = await listen(server);
  return { url, created, close: () => shutdown(server) };
}

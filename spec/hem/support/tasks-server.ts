import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { listen, shutdown } from "../../servers/listen";

export interface ApiRequest {
  method: string;
  url: string;
  body: Record<string, unknown> | undefined;
  authorization: string | undefined;
}

/**
 * The Hem app's origin: its public/ folder and a small REST API under
 * /tasks that assigns its own ids ("srv-1", …), like a Rails or Google
 * backend. Every API request is recorded.
 */
export class TasksServer {
  readonly requests: ApiRequest[] = [];
  private readonly tasks = new Map<string, Record<string, unknown>>();
  private nextId = 1;
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  url = "";

  constructor(private readonly publicDir: string) {}

  async start(): Promise<string> {
    this.url = await listen(this.server);
    return this.url;
  }

  stop(): Promise<void> {
    return shutdown(this.server);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = req.url ?? "/";
    if (!url.startsWith("/tasks")) return this.serveFile(url, res);
    let text = "";
    for await (const chunk of req) text += chunk;
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    this.requests.push({ method: req.method ?? "", url, body, authorization: req.headers.authorization });

    const id = url.split("/")[2];
    const send = (status: number, data: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(data));
    };
    if (req.method === "GET" && !id) return send(200, { items: [...this.tasks.values()] });
    if (req.method === "POST" && !id) {
      const task = { ...body, id: `srv-${this.nextId++}` };
      this.tasks.set(task.id, task);
      return send(201, task);
    }
    if (req.method === "PUT" && id && this.tasks.has(id)) {
      const task = { ...this.tasks.get(id), ...body, id };
      this.tasks.set(id, task);
      return send(200, task);
    }
    send(404, { error: `no route for ${req.method} ${url}` });
  }

  private serveFile(url: string, res: http.ServerResponse): void {
    const name = url === "/" ? "index.html" : path.normalize(url.split("?")[0]).replace(/^[/\\]+/, "");
    const file = path.join(this.publicDir, name);
    if (!file.startsWith(this.publicDir) || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const type = file.endsWith(".html") ? "text/html" : "application/javascript";
    res.writeHead(200, { "Content-Type": `${type}; charset=utf-8` });
    res.end(fs.readFileSync(file));
  }
}

import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import type { SpinePage, SpineVersion } from "./spine-versions";

/** plain: Spine as published; extended: every configured model also extends Spine.Model.Atmosphere. */
export type RunMode = "plain" | "extended";

const root = path.resolve(__dirname, "../..");
const pageDir = path.join(__dirname, "page");

/** Installed packages the pages may load; nothing else under node_modules is served. */
const servedPackages = ["spine", "spine-1.2.2", "jasmine-core", "jasmine-ajax"];

const contentTypes: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".map": "application/json",
};

export interface SpecServer {
  port: number;
  /** The URL of one page of one version in one mode. */
  pageUrl(version: SpineVersion, page: SpinePage, mode: RunMode): string;
  /** Requests for anything the pages did not load themselves (e.g. something atmos2 sent), since the last call. */
  takeStrayRequests(): string[];
  close(): Promise<void>;
}

/** The harness page: Spine's published files in the published order, plus our reporter and, when extended, atmos2. */
export function pageHtml(version: SpineVersion, page: SpinePage, mode: RunMode): string {
  const reporter = version.jasmine === "2" ? "/harness/jasmine2-reporter.js" : "/harness/jasmine1-reporter.js";
  const scripts = [
    ...page.jasmine,
    reporter,
    ...page.libraries,
    // atmos2 comes after Spine (its UMD build takes the global Spine), and the
    // configure wrapper before the specs, which configure their models as they run.
    ...(mode === "extended" ? ["/dist/atmos2.js", "/harness/extend-models.js"] : []),
    ...page.specs,
  ];
  const tags = scripts.map((src) => `  <script src="${src}" charset="utf-8"></script>`).join("\n");
  // jasmine 1 has no boot.js: its pages start the run at the end of the body.
  const start = version.jasmine === "1" ? '\n  <script src="/harness/jasmine1-start.js"></script>' : "";
  return `<!DOCTYPE html>
<html>
<head>
  <meta charset="utf-8">
  <title>Spine ${version.version} ${page.name} (${mode})</title>
${tags}
</head>
<body>${start}
</body>
</html>
`;
}

/** Maps a request path to a file it may serve, or null. */
function fileFor(urlPath: string): string | null {
  const parts = urlPath.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.some((part) => part === ".." || part.includes("\\"))) return null;
  if (parts[0] === "node_modules" && servedPackages.includes(parts[1])) return path.join(root, ...parts);
  if (parts[0] === "harness" && parts.length === 2) return path.join(pageDir, parts[1]);
  if (parts.join("/") === "dist/atmos2.js") return path.join(root, "dist", "atmos2.js");
  return null;
}

/** A tiny static server on 127.0.0.1, port 0: localStorage needs a real origin. */
export async function startSpecServer(versions: SpineVersion[]): Promise<SpecServer> {
  let stray: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const page = /^\/run\/([^/]+)\/([^/]+)\/(plain|extended)\.html$/.exec(url.pathname);
    if (page) {
      const version = versions.find((v) => v.version === page[1]);
      const spinePage = version?.pages.find((p) => p.name === page[2]);
      if (version && spinePage) {
        res.writeHead(200, { "Content-Type": contentTypes[".html"], "Cache-Control": "no-store" });
        res.end(pageHtml(version, spinePage, page[3] as RunMode));
        return;
      }
    }
    const file = fileFor(url.pathname);
    if (req.method === "GET" && file && fs.existsSync(file) && fs.statSync(file).isFile()) {
      res.writeHead(200, { "Content-Type": contentTypes[path.extname(file)] ?? "application/octet-stream", "Cache-Control": "no-store" });
      fs.createReadStream(file).pipe(res);
      return;
    }
    // Chromium asks for a favicon by itself; anything else nobody listed is worth reporting.
    if (url.pathname !== "/favicon.ico") stray.push(`${req.method} ${url.pathname}${url.search}`);
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end(`spine-specs server: nothing at ${url.pathname}`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as { port: number };
  return {
    port,
    pageUrl: (version, page, mode) => `http://127.0.0.1:${port}/run/${version.version}/${page.name}/${mode}.html`,
    takeStrayRequests() {
      const taken = stray;
      stray = [];
      return taken;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

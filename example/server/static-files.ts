import * as fs from "fs";
import type * as http from "http";
import * as path from "path";

/** Static files of the built example, with no way out of their folder. */

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".webmanifest": "application/manifest+json",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
};

/** Shown at `/` when the example has not been built. */
const NOT_BUILT_PAGE = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>atmos2 example not built</title></head>
<body><h1>The Tasks example is not built yet</h1>
<p>Build it with <code>npx webpack --config example/webpack.config.js --mode production</code>
(<code>npm start</code> does this for you), then reload this page.</p>
<p>The API is already served under <code>/tasks/v1</code>.</p></body></html>
`;

/**
 * Serves GET/HEAD of `pathname` (as sent, still percent-encoded) from the
 * files under `root` (`/` and folders → index.html).
 * Returns false when there is no such file, so the caller answers 404.
 */
export function serveStatic(root: string, pathname: string, req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const file = resolveFile(root, pathname);
  if (file === undefined) {
    if ((pathname === "/" || pathname === "/index.html") && !fs.existsSync(path.join(root, "index.html"))) {
      respond(req, res, 200, "text/html; charset=utf-8", Buffer.from(NOT_BUILT_PAGE), "no-cache");
      return true;
    }
    return false;
  }
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
  // The page must pick up a rebuilt bundle at once; other files may be cached briefly.
  const cache = type.startsWith("text/html") ? "no-cache" : "public, max-age=60";
  respond(req, res, 200, type, fs.readFileSync(file), cache);
  return true;
}

/** The file a URL path names inside `root`, or undefined (missing, a folder without index, or outside root). */
export function resolveFile(root: string, pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0")) return undefined;
  const base = path.resolve(root);
  let file = path.resolve(base, `.${path.posix.normalize(`/${decoded}`)}`);
  if (file !== base && !file.startsWith(base + path.sep)) return undefined;
  try {
    if (fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    // A symlink must not lead out of the folder either.
    const real = fs.realpathSync(file);
    const realBase = fs.realpathSync(base);
    if (real !== realBase && !real.startsWith(realBase + path.sep)) return undefined;
    return fs.statSync(real).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

function respond(req: http.IncomingMessage, res: http.ServerResponse, status: number, type: string, body: Buffer, cache: string): void {
  res.writeHead(status, { "Content-Type": type, "Content-Length": body.length, "Cache-Control": cache, "X-Content-Type-Options": "nosniff" });
  res.end(req.method === "HEAD" ? undefined : body);
}

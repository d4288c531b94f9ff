import * as fs from "fs";
import * as http from "http";
import { chromium, type Browser, type Page } from "playwright-core";

/** The flags FACTS.md lists for headless Chromium on this kind of machine. */
const flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

export interface ChromiumPages {
  pages: Page[];
  close(): Promise<void>;
}

/** Serves `script` as /page.js under an empty page, on a loopback port of its own. */
async function serve(script: Buffer): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.url === "/page.js") {
      res.writeHead(200, { "Content-Type": "text/javascript" });
      res.end(script);
    } else {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end('<!doctype html><meta charset="utf-8"><title>atmos2 bench</title><script src="/page.js"></script>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return server;
}

/**
 * Opens `bundle` in `count` pages of one headless Chromium, each on a
 * loopback origin of its own (its own port): each page has a localStorage
 * of its own (about:blank has none), with the whole quota, so contenders
 * seeded side by side do not crowd each other out.
 */
export async function openChromiumPages(bundle: string, count: number, executablePath = "/usr/bin/chromium"): Promise<ChromiumPages> {
  if (!fs.existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}`);
  const script = fs.readFileSync(bundle);
  const servers: http.Server[] = [];
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  };
  try {
    browser = await chromium.launch({ executablePath, args: flags });
    const pages: Page[] = [];
    for (let i = 0; i < count; i++) {
      const server = await serve(script);
      servers.push(server);
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
      if (errors.length) throw new Error(`bench page failed to load: ${errors[0]}`);
      pages.push(page);
    }
    return { pages, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** One page (see `openChromiumPages`). */
export async function openChromiumPage(bundle: string, executablePath?: string): Promise<{ page: Page; close(): Promise<void> }> {
  const { pages, close } = await openChromiumPages(bundle, 1, executablePath);
  return { page: pages[0], close };
}

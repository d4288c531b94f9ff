import * as fs from "fs";
import * as http from "http";
import { chromium, type Browser, type Page } from "playwright-core";

/** The flags FACTS.md lists for headless Chromium on this kind of machine. */
const flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

export interface ChromiumPage {
  page: Page;
  close(): Promise<void>;
}

/**
 * Opens `bundle` in headless Chromium on a loopback origin (localStorage
 * needs a real origin; about:blank has none).
 */
export async function openChromiumPage(bundle: string, executablePath = "/usr/bin/chromium"): Promise<ChromiumPage> {
  if (!fs.existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}`);
  const script = fs.readFileSync(bundle);
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
  const { port } = server.address() as { port: number };
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  try {
    browser = await chromium.launch({ executablePath, args: flags });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${port}/`);
    if (errors.length) throw new Error(`bench page failed to load: ${errors[0]}`);
    return { page, close };
  } catch (error) {
    await close();
    throw error;
  }
}

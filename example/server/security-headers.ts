/**
 * Headers on every answer of the example server. The page may run scripts
 * and open connections only to its own origin (and, in Google mode, to the
 * Google hosts the sign-in and the Tasks API need); no other site may frame
 * it; no answer is content-sniffed; no URL leaks through Referer.
 */

/** Where Google Identity Services and Google Tasks live (Google mode only). */
const GOOGLE = {
  script: "https://accounts.google.com/gsi/client",
  style: "https://accounts.google.com/gsi/style",
  frame: "https://accounts.google.com/gsi/",
  connect: ["https://accounts.google.com/gsi/", "https://tasks.googleapis.com"],
};

/**
 * The Content-Security-Policy. `host` is the Host the request named (already
 * checked to be one of the server's own names): the live socket is opened on
 * it with ws: or wss:, which older browsers do not count as 'self'.
 */
export function contentSecurityPolicy(options: { google: boolean; host?: string }): string {
  const sockets = options.host ? [`ws://${options.host}`, `wss://${options.host}`] : [];
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    "script-src": ["'self'", ...(options.google ? [GOOGLE.script] : [])],
    "style-src": ["'self'", ...(options.google ? [GOOGLE.style] : [])],
    "connect-src": ["'self'", ...sockets, ...(options.google ? GOOGLE.connect : [])],
    "img-src": ["'self'", "data:"],
    "frame-src": options.google ? [GOOGLE.frame] : ["'none'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(" ")}`)
    .join("; ");
}

/** The headers every answer carries (the page's CSP included: harmless on JSON, and it stops framing of anything). */
export function securityHeaders(options: { google: boolean; host?: string }): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(options),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
  };
}

// Why a request could not be sent as set up (a header fetch refuses, a base
// or URL it cannot use): a setup mistake, said in words that name the
// option, instead of a fetch TypeError taken for the network being down.

export const tokenChars = "letters, digits and !#$%&'*+.^_`|~-";

/**
 * Why fetch would refuse a header, if it would: a name is an HTTP token (RFC
 * 9110), a value a ByteString without NUL or line breaks. (The value is not
 * shown: it may be a token.)
 */
export function headerProblem(name: unknown, value: unknown): string | undefined {
  if (typeof name != "string" || !/^[\w!#$%&'*+.^_`|~-]+$/.test(name)) return `${JSON.stringify(name)} is not a header name (${tokenChars})`;
  if (/[\0\r\n\u0100-\uffff]/.test(String(value))) return `the value of ${name} has a line break, NUL or character above \\u00ff`;
}

/** Why the global fetch cannot send to `url` (built from `base`), if it cannot: not http(s), relative outside a page, or with credentials. */
export function baseProblem(url: string, base: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1].toLowerCase();
  // Not shown: the URL holds a secret.
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(url)) return 'the URL has a user name or password in it, which fetch refuses; send them in a header instead (resourceClient.addHeader("Authorization", ...))';
  if (scheme === "http" || scheme === "https") {
    const why = unparsable(url);
    return why && `"${url}" is not a URL (${why}); check resourceClient.base and the routes`;
  }
  let why: string;
  let example: string;
  if (scheme === undefined) {
    // In a page, a relative URL is resolved against it.
    if (typeof (globalThis as { location?: { href?: unknown } }).location?.href === "string") return undefined;
    why = ` and there is no page to resolve "${url}" against`;
    // "//host/api" means the page's scheme: http: outside a page; "10.0.0.2:3000/api" is a host, not a path.
    if (base.startsWith("//")) example = `http:${base}`;
    else if (/^([\w-]+(\.[\w-]+)*:\d+|\d{1,3}(\.\d{1,3}){3})(\/|$)/.test(base)) example = `http://${base}`;
    else example = `http://localhost:3000${base ? `/${base.replace(/^\/+/, "")}` : "/api"}`;
  } else {
    why = ", which does not start with http:// or https://";
    example = `http://${base.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "")}`;
  }
  return `resourceClient.base is ${JSON.stringify(base)}${why}; set it to an absolute URL such as ${JSON.stringify(example)}`;
}

/**
 * Why an absolute URL cannot be parsed (a port out of range, a space in the
 * host), if it cannot: fetch would fail as if the network were down. A path
 * is left to the page; without URL (an old browser) nothing is checked.
 */
export function unparsable(url: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(url) || typeof URL != "function") return undefined;
  try {
    new URL(url);
  } catch {
    const port = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*:(\d+)(?:[/?#]|$)/i.exec(url)?.[1];
    return port && Number(port) > 65535 ? `port ${port} is above 65535` : "fetch cannot parse it";
  }
}

/**
 * In a page, what `url` answers to a plain request (a HEAD, no headers,
 * redirects not followed), asked after a fetch failed as the network would,
 * while the browser says it is online: "redirects" (to an origin that does
 * not allow the page, no CORS headers: every request fails so, and would be
 * taken for being offline for good), "answers" (the server is there: the
 * failed request was dropped, or its CORS preflight refused), or undefined
 * (no answer either: offline, the server down).
 */
export async function probeAfterFailure(url: string): Promise<"redirects" | "answers" | undefined> {
  const page = globalThis as { location?: { href?: unknown }; navigator?: { onLine?: boolean } };
  if (typeof page.location?.href != "string" || page.navigator?.onLine === false) return undefined;
  const controller = typeof AbortController == "function" ? new AbortController() : undefined;
  const timer = setTimeout(() => controller?.abort(), 5000);
  try {
    const answer = await globalThis.fetch(url, { method: "HEAD", redirect: "manual", credentials: "omit", signal: controller?.signal });
    return answer.type === "opaqueredirect" ? "redirects" : "answers";
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

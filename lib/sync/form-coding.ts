/**
 * application/x-www-form-urlencoded bodies, Rails style: nested objects as
 * `task[meta][a]=1`, arrays as `task[tags][]=x`; without a root (or with
 * false), flat keys. Pure.
 */
export function encodeForm(data: Record<string, unknown>, root?: string | false): string {
  const pairs: string[] = [];
  const add = (key: string, value: unknown) => {
    if (value === undefined) return;
    if (Array.isArray(value)) {
      if (value.length === 0) pairs.push(`${encodeURIComponent(key + "[]")}=`);
      for (const item of value) add(`${key}[]`, item);
    } else if (value !== null && typeof value === "object" && !(value instanceof Date) && Object.keys(value).length) {
      for (const [k, v] of Object.entries(value)) add(`${key}[${k}]`, v);
    } else {
      // null, and an emptied object as null does: sending nothing, a server would keep the old one.
      const text = value instanceof Date ? value.toISOString() : value === null || typeof value === "object" ? "" : String(value);
      pairs.push(`${encoded(key, key)}=${encoded(text, key)}`);
    }
  };
  for (const [key, value] of Object.entries(data)) add(root ? `${root}[${key}]` : key, value);
  return pairs.join("&");
}

/** encodeURIComponent, with a message naming the field when the text holds half a character (a lone surrogate). */
function encoded(text: string, key: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    throw new Error(`${key} holds text cut in half a character (a lone surrogate, as slicing an emoji leaves), which a form body cannot carry: mend the text, or use dataCoding "json"`);
  }
}

/** Query strings: flat keys, arrays repeated (`a=1&a=2`), nested objects Rails style. */
export function encodeQuery(params: Record<string, unknown> | undefined): string {
  if (!params) return "";
  const flat: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) flat[k] = v;
  // Repeated keys instead of `ids[]`: drop the encoded `[]` of each key (the
  // text before the pair's "=", as a key's own "=" is encoded), never of a value.
  const pairs = encodeForm(flat).split("&");
  return pairs
    .map((pair) => {
      const equals = pair.indexOf("=");
      return pair.slice(0, equals).replace(/%5B%5D/g, "") + pair.slice(equals);
    })
    .join("&");
}

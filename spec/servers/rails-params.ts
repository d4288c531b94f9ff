/**
 * Parses an `application/x-www-form-urlencoded` body the way Rails builds
 * `params`: `task[title]=a` → `{ task: { title: "a" } }`, `task[tags][]=a&
 * task[tags][]=b` → `{ task: { tags: ["a", "b"] } }`, `items[][name]=x`
 * starts a new hash in the array whenever a key repeats. Values stay strings.
 */
export function parseRailsParams(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    assign(root, keyPath(name), value);
  }
  return root;
}

/** `a[b][]` → ["a", "b", ""] ("" marks an array append). */
function keyPath(name: string): string[] {
  const first = /^[^[]*/.exec(name)![0];
  const rest = [...name.slice(first.length).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]);
  return [first, ...rest];
}

function assign(target: Record<string, unknown>, path: string[], value: string): void {
  const [head, ...tail] = path;
  if (tail.length === 0) {
    target[head] = value;
    return;
  }
  if (tail[0] === "") {
    const list = Array.isArray(target[head]) ? (target[head] as unknown[]) : (target[head] = []) as unknown[];
    const after = tail.slice(1);
    if (after.length === 0) {
      list.push(value);
      return;
    }
    // Array of hashes: fill the last hash until a key it already has comes again.
    let last = list[list.length - 1] as Record<string, unknown> | undefined;
    if (!isHash(last) || has(last, after)) {
      last = {};
      list.push(last);
    }
    assign(last, after, value);
    return;
  }
  const child = isHash(target[head]) ? (target[head] as Record<string, unknown>) : (target[head] = {}) as Record<string, unknown>;
  assign(child, tail, value);
}

function isHash(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function has(hash: Record<string, unknown>, path: string[]): boolean {
  const [head, ...tail] = path;
  if (!(head in hash)) return false;
  if (tail.length === 0 || tail[0] === "") return true;
  return isHash(hash[head]) && has(hash[head] as Record<string, unknown>, tail);
}

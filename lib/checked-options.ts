// Options checked as they are assigned (API.md "Errors": a bad option is a
// programmer error that names the thing to fix).

/** The test of an option that takes a function (call options and resourceClient's share it). */
export const isFunction = (value: unknown) => typeof value == "function";

/** What an option accepts (as the error says it), its test, and the default that null or undefined puts back. */
export type OptionRule = [accepts: string, ok: (value: any) => boolean, fallback?: unknown];

/**
 * The programmer error of a bad option: names it, what it accepts and what
 * it got, unambiguously: `got 5`, `got NaN`, `got "xml"`, `got {}`, but
 * `got a URL object` (JSON would show a URL as a string, NaN as null) and
 * `got a function`.
 */
export function badOption(name: string, accepts: string, value: any): Error {
  const kind = typeof value;
  const ctor: unknown = kind == "object" && value !== null && value.constructor?.name;
  let shown: string | undefined;
  if (kind == "number" || value === undefined) shown = "" + value;
  else if (!ctor || ctor == "Object" || ctor == "Array") {
    try {
      shown = JSON.stringify(value);
    } catch {
      // Circular, or a bigint: its type says enough.
    }
  }
  return new Error(`atmos2: ${name} must be ${accepts}, got ${shown ?? (ctor ? `a ${ctor} object` : `a ${kind}`)}`);
}

/**
 * Options checked as they are assigned: each becomes a property of `proto`
 * whose setter throws naming the option (API.md "Errors": a bad option is a
 * programmer error), instead of the value failing later far from the cause
 * (`dataCoding = "xml"` would send JSON without a word). Assigning null or
 * undefined puts the default back.
 */
export function checkedOptions(proto: object, owner: string, rules: Record<string, OptionRule>): void {
  for (const name in rules) {
    const [accepts, ok, fallback] = rules[name];
    const key = "_" + name;
    Object.defineProperty(proto, name, {
      get(this: any) {
        return this[key] ?? fallback;
      },
      set(this: any, value: unknown) {
        if (value != null && !ok(value)) throw badOption(`${owner}.${name}`, accepts, value);
        this[key] = value;
      },
    });
  }
}

/**
 * What the user has done, kept by the harness on its own (never read back
 * from the library): the state the server and the local records must both
 * end up in. Records are known by a handle the harness writes at the start
 * of their title ("L3.2" is list L3 in its third version), because local ids
 * change when the server assigns its own.
 */
export interface IntendedList {
  handle: string;
  title: string;
}

export interface IntendedTask {
  handle: string;
  title: string;
  notes?: string;
  status: string;
  /** Handle of the list the task belongs to. */
  list: string;
}

export class UserIntent {
  readonly lists = new Map<string, IntendedList>();
  readonly tasks = new Map<string, IntendedTask>();
  private serial = 0;

  /** A new handle for a record about to be created. */
  newHandle(prefix: "L" | "T"): string {
    return `${prefix}${++this.serial}`;
  }

  /** The next title of a record: its handle and the next version number. */
  nextTitle(title: string): string {
    const { handle, version } = parseTitle(title);
    return `${handle}.${version + 1}`;
  }
}

/** The handle and version a harness title carries. */
export function parseTitle(title: unknown): { handle: string; version: number } {
  const match = /^([LT]\d+)\.(\d+)$/.exec(String(title));
  if (!match) return { handle: `?${String(title)}`, version: 0 };
  return { handle: match[1], version: Number(match[2]) };
}

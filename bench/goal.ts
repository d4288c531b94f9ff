/** Goal checks that say by how much a goal is missed. Pure. */

export interface Verdict {
  met: boolean;
  missedBy?: string;
}

/** `value` must not exceed `limit`; `what` names the quantity (e.g. "ours/floor"). */
export function atMost(value: number, limit: number, what: string): Verdict {
  if (!Number.isFinite(value)) return { met: false, missedBy: `${what} not measured` };
  if (value <= limit) return { met: true };
  return { met: false, missedBy: `${what} ${round(value)} > ${round(limit)} (${round(value / limit)}× the limit)` };
}

/** `value` must be at least `limit`. */
export function atLeast(value: number, limit: number, what: string): Verdict {
  if (!Number.isFinite(value)) return { met: false, missedBy: `${what} not measured` };
  if (value >= limit) return { met: true };
  return { met: false, missedBy: `${what} ${round(value)} < ${round(limit)} (${round(limit / value)}× short)` };
}

/** Every verdict must hold; the misses are joined. */
export function all(...verdicts: Verdict[]): Verdict {
  const missed = verdicts.filter((v) => !v.met).map((v) => v.missedBy);
  return missed.length ? { met: false, missedBy: missed.join("; ") } : { met: true };
}

export function round(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 100) return n.toFixed(0);
  if (abs >= 10) return n.toFixed(1);
  if (abs >= 1) return n.toFixed(2);
  return n.toPrecision(2);
}

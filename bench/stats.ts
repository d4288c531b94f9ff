/** Order statistics of benchmark samples. Pure. */

export interface Summary {
  median: number;
  p95: number;
  min: number;
  max: number;
  /** (max − min) / median: how far apart the runs were. */
  spread: number;
  n: number;
}

/** The q-quantile (0..1) by linear interpolation between closest ranks. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function median(values: number[]): number {
  return quantile(values, 0.5);
}

export function summarize(values: number[]): Summary {
  const m = median(values);
  const min = Math.min(...values);
  const max = Math.max(...values);
  return { median: m, p95: quantile(values, 0.95), min, max, spread: m > 0 ? (max - min) / m : 0, n: values.length };
}

/**
 * What every benchmark case hands back: one row per comparison, with our
 * time (or size) next to the peer's and, where there is one, the floor (the
 * least work any library could do). Ratios, not absolute times, are the
 * result: this machine is shared and noisy.
 */
export interface Row {
  /** Case id, e.g. "P1". Several rows may share it. */
  id: string;
  /** What is compared, in a user's words. */
  name: string;
  /** Our median (or our value, for sizes). */
  ours: number;
  /** The peer's median: what a user would use instead. */
  peer?: number;
  /** Who the peer is (e.g. "Spine Local"). */
  peerName?: string;
  /** The least work any implementation must do (e.g. one setItem). */
  floor?: number;
  unit: string;
  /** ours / peer (below 1: we are cheaper). */
  ratio?: number;
  /** ours / floor (1 would be free on top of the floor). */
  floorRatio?: number;
  /** The goal, as text. */
  goal: string;
  met: boolean;
  /** When the goal is missed: by how much, as text. */
  missedBy?: string;
  /** Relative spread of the samples ((max − min) / median), per contender. */
  spread?: { ours?: number; peer?: number; floor?: number };
  /** Other contenders' medians (e.g. Backbone.localStorage). */
  others?: Record<string, number>;
  /** Samples taken per contender. */
  samples?: number;
  note?: string;
}

/** What a case learns from the runner. */
export interface CaseContext {
  quick: boolean;
  /** Stop repeating once Date.now() passes this. */
  deadline: number;
  /** How many times to repeat each measurement (fewer if the deadline comes first). */
  runs: number;
  log(line: string): void;
}

export interface BenchCase {
  id: string;
  title: string;
  /** Time this case may take, in ms (full size; quick runs get less). */
  budgetMs: number;
  run(ctx: CaseContext): Promise<Row[]>;
}

/** A row saying the case could not be measured, and why. */
export function unavailable(id: string, name: string, goal: string, why: string): Row {
  return { id, name, ours: NaN, unit: "", goal, met: false, missedBy: "not measured", note: why };
}

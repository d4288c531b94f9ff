import type { Row } from "./bench-types";
import type { Verdict } from "./goal";
import { summarize } from "./stats";

/** Samples of each contender, turned into a summary row with ratios. */
export interface Comparison {
  id: string;
  name: string;
  unit: string;
  ours: number[];
  peer?: number[];
  peerName?: string;
  floor?: number[];
  others?: Record<string, number[]>;
  goal: string;
  /** Decides the goal from the medians. */
  judge(m: { ours: number; peer: number; floor: number; ratio: number; floorRatio: number }): Verdict;
  note?: string;
}

export function compareRow(c: Comparison): Row {
  const ours = summarize(c.ours);
  const peer = c.peer?.length ? summarize(c.peer) : undefined;
  const floor = c.floor?.length ? summarize(c.floor) : undefined;
  const ratio = peer ? ours.median / peer.median : undefined;
  const floorRatio = floor ? ours.median / floor.median : undefined;
  const verdict = c.judge({ ours: ours.median, peer: peer?.median ?? NaN, floor: floor?.median ?? NaN, ratio: ratio ?? NaN, floorRatio: floorRatio ?? NaN });
  const others: Record<string, number> = {};
  for (const [name, values] of Object.entries(c.others ?? {})) if (values.length) others[name] = summarize(values).median;
  return {
    id: c.id,
    name: c.name,
    ours: ours.median,
    peer: peer?.median,
    peerName: c.peerName,
    floor: floor?.median,
    unit: c.unit,
    ratio,
    floorRatio,
    goal: c.goal,
    met: verdict.met,
    missedBy: verdict.missedBy,
    // A spread needs at least two samples.
    spread: { ours: ours.n > 1 ? ours.spread : undefined, peer: peer && peer.n > 1 ? peer.spread : undefined, floor: floor && floor.n > 1 ? floor.spread : undefined },
    others: Object.keys(others).length ? others : undefined,
    samples: ours.n,
    note: c.note,
  };
}

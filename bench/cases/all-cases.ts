import type { BenchCase } from "../bench-types";
import { m1Memory } from "./m1-memory";
import { p1SaveCost } from "./p1-save-cost";
import { p2InitialSync } from "./p2-initial-sync";
import { p3OfflineReplay } from "./p3-offline-replay";
import { p4Latency } from "./p4-latency";
import { p5BundleSize } from "./p5-bundle-size";
import { p6LiveFanout } from "./p6-live-fanout";
import { p6LiveScale } from "./p6-live-scale";

/** Every case, in the order `npm run bench` runs them. */
export const cases: BenchCase[] = [p1SaveCost, p2InitialSync, p3OfflineReplay, p4Latency, p5BundleSize, p6LiveFanout, p6LiveScale, m1Memory];

import type { Row } from "./bench-types";
import { round } from "./goal";

/** The run as written to latest.json. */
export interface BenchReport {
  date: string;
  quick: boolean;
  node: string;
  cpus: number;
  durationMs: number;
  rows: Row[];
}

/** A value with its unit, small times in µs so they stay readable. */
export function formatValue(value: number | undefined, unit: string): string {
  if (value === undefined) return "";
  if (!Number.isFinite(value)) return "n/a";
  if (unit === "ms" && Math.abs(value) < 1) return `${round(value * 1000)} µs`;
  if (unit === "ms" && Math.abs(value) >= 1000) return `${round(value / 1000)} s`;
  return `${round(value)} ${unit}`;
}

function ratioText(ratio: number | undefined): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return "";
  return `${round(ratio)}×`;
}

function spreadText(row: Row): string {
  const parts: string[] = [];
  for (const [who, s] of Object.entries(row.spread ?? {})) if (s !== undefined && Number.isFinite(s)) parts.push(`${who} ±${Math.round(s * 50)}%`);
  return parts.join(", ");
}

/** The summary table, in markdown. */
export function markdownTable(rows: Row[]): string {
  const head = "| id | case | ours | peer | floor | ours/peer | ours/floor | spread | goal | met |";
  const rule = "|---|---|---|---|---|---|---|---|---|---|";
  const lines = rows.map((r) => {
    const peer = r.peer === undefined ? "" : `${formatValue(r.peer, r.unit)}${r.peerName ? ` (${r.peerName})` : ""}`;
    const others = Object.entries(r.others ?? {}).map(([name, v]) => `; ${name} ${formatValue(v, r.unit)}`).join("");
    const met = r.met ? "yes" : `**no**: ${r.missedBy ?? ""}`;
    return `| ${r.id} | ${r.name} | ${formatValue(r.ours, r.unit)} | ${peer}${others} | ${formatValue(r.floor, r.unit)} | ${ratioText(r.ratio)} | ${ratioText(r.floorRatio)} | ${spreadText(r)} | ${r.goal} | ${met} |`;
  });
  return [head, rule, ...lines].join("\n");
}

export function markdownReport(report: BenchReport): string {
  const notes = report.rows.filter((r) => r.note).map((r) => `- ${r.id} ${r.name}: ${r.note}`);
  return [
    `# atmos2 benchmarks${report.quick ? " (quick)" : ""}`,
    "",
    `${report.date}, Node ${report.node}, ${report.cpus} CPUs, ${Math.round(report.durationMs / 1000)} s. Medians of repeated runs; spread is ±half of (max − min) / median. Ratios below 1 mean atmos2 costs less.`,
    "",
    markdownTable(report.rows),
    "",
    ...(notes.length ? ["Notes:", "", ...notes, ""] : []),
  ].join("\n");
}

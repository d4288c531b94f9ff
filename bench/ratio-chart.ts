import type { Row } from "./bench-types";
import { round } from "./goal";

/**
 * A bar chart of every row's ratios on a log scale, as SVG text written by
 * hand (no chart library). Bars left of the 1× line mean atmos2 costs less
 * than the peer (or is close to the floor); right of it, more.
 */
const width = 900;
const labelWidth = 380;
const barHeight = 9;
const rowHeight = 26;
const top = 40;
const minLog = -3; // 0.001×
const maxLog = 3; // 1000×

function x(ratio: number): number {
  const clamped = Math.min(maxLog, Math.max(minLog, Math.log10(ratio)));
  return labelWidth + ((clamped - minLog) / (maxLog - minLog)) * (width - labelWidth - 20);
}

function tick(power: number): string {
  return power < 0 ? `0.${"0".repeat(-power - 1)}1×` : `${10 ** power}×`;
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function bar(y: number, ratio: number | undefined, color: string, title: string): string {
  if (ratio === undefined || !Number.isFinite(ratio) || ratio <= 0) return "";
  const one = x(1);
  const end = x(ratio);
  const left = Math.min(one, end);
  const w = Math.max(1, Math.abs(end - one));
  return `<rect x="${left.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${color}"><title>${escape(title)}: ${round(ratio)}×</title></rect>` +
    `<text x="${(end + (ratio >= 1 ? 4 : -4)).toFixed(1)}" y="${y + barHeight - 1}" font-size="9" text-anchor="${ratio >= 1 ? "start" : "end"}">${round(ratio)}×</text>`;
}

export function ratioChart(rows: Row[], title: string): string {
  const shown = rows.filter((r) => Number.isFinite(r.ratio) || Number.isFinite(r.floorRatio));
  const height = top + shown.length * rowHeight + 30;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`);
  parts.push(`<rect width="100%" height="100%" fill="white"/>`);
  parts.push(`<text x="10" y="18" font-size="13" font-weight="bold">${escape(title)}</text>`);
  parts.push(`<rect x="${labelWidth}" y="24" width="10" height="8" fill="#2b7bb9"/><text x="${labelWidth + 14}" y="32" font-size="10">ours / peer</text>`);
  parts.push(`<rect x="${labelWidth + 100}" y="24" width="10" height="8" fill="#e0892b"/><text x="${labelWidth + 114}" y="32" font-size="10">ours / floor</text>`);
  for (let k = minLog; k <= maxLog; k++) {
    const gx = x(10 ** k).toFixed(1);
    parts.push(`<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${height - 26}" stroke="${k === 0 ? "#333" : "#ddd"}" stroke-width="${k === 0 ? 1.5 : 1}"/>`);
    parts.push(`<text x="${gx}" y="${height - 12}" font-size="10" text-anchor="middle">${tick(k)}</text>`);
  }
  shown.forEach((row, i) => {
    const y = top + i * rowHeight;
    const mark = row.met ? "✓" : "✗";
    parts.push(`<text x="10" y="${y + 13}" font-size="10" fill="${row.met ? "#222" : "#b00"}">${escape(`${mark} ${row.id} ${row.name}`.slice(0, 66))}</text>`);
    parts.push(bar(y + 2, row.ratio, "#2b7bb9", `${row.id} ours / ${row.peerName ?? "peer"}`));
    parts.push(bar(y + 3 + barHeight, row.floorRatio, "#e0892b", `${row.id} ours / floor`));
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

// `npx tsx bench/profile/summarize-profile.ts file.cpuprofile [top] [filter]`: the functions a
// V8 CPU profile (node --cpu-prof, or Chromium's Profiler.stop through CDP)
// spent most time in, self and total, as percentages of the profile's samples.
// `filter` keeps only frames whose name or file contains it (e.g. "atmos").
import * as fs from "fs";

interface Frame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: Frame;
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
}

function label(frame: Frame): string {
  const file = frame.url.replace(/^.*\/(node_modules\/)?/, (m) => (m.includes("node_modules") ? "nm/" : "")).replace(/^file:\/\//, "");
  return `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
}

function main(): void {
  const [file, topArg = "30", filter] = process.argv.slice(2);
  if (!file) throw new Error("usage: summarize-profile.ts <file.cpuprofile> [top] [filter]");
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const hits = new Map<number, number>();
  if (profile.samples) for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  else for (const n of profile.nodes) hits.set(n.id, n.hitCount ?? 0);
  const total = Array.from(hits.values()).reduce((a, b) => a + b, 0);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  // Total time: each sample counts once for every distinct function on its stack.
  const walk = (node: ProfileNode, onStack: Set<string>): number => {
    const name = label(node.callFrame);
    const own = hits.get(node.id) ?? 0;
    self.set(name, (self.get(name) ?? 0) + own);
    const fresh = !onStack.has(name);
    if (fresh) onStack.add(name);
    let sum = own;
    for (const child of node.children ?? []) sum += walk(byId.get(child)!, onStack);
    if (fresh) {
      onStack.delete(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + sum);
    }
    return sum;
  };
  const children = new Set(profile.nodes.flatMap((n) => n.children ?? []));
  for (const root of profile.nodes.filter((n) => !children.has(n.id))) walk(root, new Set());
  const pct = (v: number) => `${((100 * v) / total).toFixed(1).padStart(5)}%`;
  const keep = (name: string) => !filter || name.includes(filter);
  const top = Number(topArg);
  console.log(`${total} samples\n\nself time:`);
  for (const [name, v] of [...self].filter(([n]) => keep(n)).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${name}`);
  console.log(`\ntotal time:`);
  for (const [name, v] of [...inclusive].filter(([n]) => keep(n)).sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${name}`);
}

main();

// `npx tsx bench/profile/p1-chromium-profile.ts [contender] [n] [saves] [out.cpuprofile]`:
// runs one contender's P1 loop in headless Chromium under the V8 profiler
// (CDP Profiler.start/stop through playwright-core), prints µs per save and
// writes the profile for summarize-profile.ts.
import * as fs from "fs";
import * as path from "path";
import { openChromiumPage } from "../browser/chromium-page";
import { buildPageBundle } from "../browser/page-bundle";

async function main(): Promise<void> {
  const [name = "atmos2", n = "1000", saves = "5000", out = "p1-chromium.cpuprofile"] = process.argv.slice(2);
  const bundle = await buildPageBundle(path.join(__dirname, "p1-profile-page.ts"));
  const chromium = await openChromiumPage(bundle).finally(() => fs.rmSync(path.dirname(bundle), { recursive: true, force: true }));
  try {
    const cdp = await chromium.page.context().newCDPSession(chromium.page);
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 50 });
    await cdp.send("Profiler.start");
    const perSave = await chromium.page.evaluate(([name, n, saves]) => (globalThis as any).p1Loop(name, n, saves), [name, Number(n), Number(saves)] as const); // eslint-disable-line @typescript-eslint/no-explicit-any
    const { profile } = await cdp.send("Profiler.stop");
    fs.writeFileSync(out, JSON.stringify(profile));
    console.log(`${name}, ${n} stored (Chromium): ${perSave.map((us: number) => us.toFixed(2)).join(" ")} µs per save; profile in ${out}`);
  } finally {
    await chromium.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

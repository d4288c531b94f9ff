// Run by M1 in its own process (node --expose-gc): loads N stored records
// with one contender and prints the heap it took per record, as JSON.
import Spine from "spine";
import { Atmos } from "../../lib";
import { installNodeWebStorage } from "../env/node-web-storage";
import { taskList } from "../fixtures/task-fixtures";

/* eslint-disable @typescript-eslint/no-explicit-any -- Spine models are untyped */
const fields = ["title", "notes", "status", "due"];

function heapAfterGc(): number {
  const gc = (globalThis as any).gc as (() => void) | undefined;
  if (!gc) throw new Error("run with node --expose-gc");
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

async function main(): Promise<void> {
  const [which, nText] = process.argv.slice(2);
  const n = Number(nText);
  if (!["atmos2", "spine", "floor"].includes(which) || !(n > 0)) throw new Error("usage: m1-memory-child <atmos2|spine|floor> <n>");
  const storage = installNodeWebStorage();
  require("spine/lib/local");
  const M = Spine.Model as any;
  const MemTask: any = class extends Spine.Model {};
  MemTask.configure("MemTask", ...fields);
  MemTask.extend(which === "atmos2" ? M.Atmosphere : M.Local);

  // 1. Leave N records in storage, as a previous session would have.
  let body: string | undefined = JSON.stringify(taskList(n));
  if (which === "atmos2") {
    const seeding = new Atmos({ storage });
    seeding.resourceClient.base = "http://bench.invalid";
    seeding.resourceClient.routes = { MemTask: { index: "GET /tasks" } } as any;
    const page = `{"items":${body}}`;
    seeding.resourceClient.fetch = async () => new Response(page, { status: 200 });
    await MemTask.sync({ remote: true });
    await seeding.whenSynced();
    seeding.close();
    MemTask.deleteAll();
  } else {
    storage.setItem(which === "spine" ? "MemTask" : "floor", body);
  }
  body = undefined;
  await new Promise((resolve) => setTimeout(resolve, 50));

  // 2. Load them, as a fresh page does, and weigh what stayed in memory.
  const before = heapAfterGc();
  let held: unknown;
  let atmos: Atmos | undefined;
  if (which === "atmos2") {
    atmos = new Atmos({ storage });
    await MemTask.sync();
  } else if (which === "spine") {
    MemTask.fetch();
  } else {
    held = JSON.parse(storage.getItem("floor") as string);
  }
  const after = heapAfterGc();
  const count = which === "floor" ? (held as unknown[]).length : MemTask.count();
  if (count !== n) throw new Error(`${which} loaded ${count} of ${n}`);
  process.stdout.write(JSON.stringify({ which, n, bytesPerRecord: (after - before) / n }) + "\n");
  atmos?.close();
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});

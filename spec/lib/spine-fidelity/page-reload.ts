import { Atmos } from "../../../lib";
import type { MemoryStorage } from "../../fakes/memory-storage";
import { forgetInMemory } from "./twin-models";

/**
 * A page reload for extended models: the last writes reach storage, the
 * Atmos closes, Spine's memory of the models is emptied (as a new page has
 * it), a new Atmos opens on the same storage and each model's `sync()`
 * loads what storage kept. Returns the new Atmos.
 */
export async function reloadPage(atmos: Atmos, storage: MemoryStorage, models: any[]): Promise<Atmos> {
  await atmos.metaContext.flush();
  atmos.close();
  for (const model of models) forgetInMemory(model);
  const next = new Atmos({ storage });
  for (const model of models) await model.sync();
  return next;
}

/** The part of a Spine model class used here. */
interface ModelClass {
  irecords: Record<string, object>;
  find(id: string): unknown;
}

/**
 * Views need a handle on "this task" that survives sync. Neither of Spine's
 * ids is enough: `id` becomes the server's id after the create, and `cid` is
 * overwritten when a pull reloads the record (Spine's `refresh` loads the
 * incoming instance, cid included, into the existing one). The object Spine
 * keeps in `irecords` stays the same throughout, and every clone handed out
 * by `find`/`all`/`select` inherits from it, so that is the handle.
 */
export function rootOf(model: ModelClass, record: { id: string }): object | undefined {
  return model.irecords[record.id];
}

/** A fresh clone of the record behind `root`, or undefined once it is gone. */
export function findByRoot<T>(model: ModelClass, root: object | undefined): T | undefined {
  if (!root) return undefined;
  const id = (root as { id: string }).id;
  return model.irecords[id] === root ? (model.find(id) as T) : undefined;
}

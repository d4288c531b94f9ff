import { noRelationKeys, relationKeys } from "./relation-keys";
import { sendsNothing, type SpineModel } from "./spine-state";

/** The atmos2 options a model class carries, read as plain data. */
export interface ModelOptions {
  className: string;
  url?: string;
  attributes: string[];
  /** Foreign keys: attribute → class name of the record it points to (`remoteKeys`, and Spine relations between extended models). */
  remoteKeys: Record<string, string>;
  /** Defaults for every remote save (prepareData, updateFromData, success, error, …). */
  remoteSaveOptions: Record<string, any>;
  /** Never sent to a server. */
  local: boolean;
  /** Never cached locally; always sent. */
  remote: boolean;
  /** How `sync({ since: "auto" })` asks for changes only. */
  incremental: { param: string; field: string; params: Record<string, unknown> };
  resolveConflict?: (local: Record<string, unknown>, remote: Record<string, unknown>, base: Record<string, unknown> | undefined) => Record<string, unknown>;
  /** The class itself, for its callbacks called with it as `this` (`fromRemote`: see sync/remote-shape.ts). */
  model: SpineModel | undefined;
}

const googleIncremental = { param: "updatedMin", field: "updated", params: { showDeleted: true, showHidden: true } };

export function modelOptions(model: SpineModel | undefined, className: string): ModelOptions {
  const url = typeof model?.url === "function" ? model.url() : model?.url;
  return {
    className,
    url: typeof url === "string" ? url : undefined,
    attributes: model?.attributes ?? [],
    remoteKeys: remoteKeysOf(model, className),
    remoteSaveOptions: model?.remoteSaveOptions ?? {},
    // A model Spine Ajax sends too: atmos2 keeps its records and sends nothing
    // (push() would send each save again; a remote save is refused, call-options.ts).
    local: sendsNothing(model),
    remote: model?.remote === true,
    // A model that sets its own incremental pull sends only the params it names.
    incremental: model?.incremental ? { ...googleIncremental, params: {}, ...model.incremental } : googleIncremental,
    resolveConflict: typeof model?.resolveConflict === "function" ? model.resolveConflict.bind(model) : undefined,
    model,
  };
}

/** `Model.remoteKeys` over the keys its Spine relations declare (app-context/relation-keys.ts). */
function remoteKeysOf(model: SpineModel | undefined, className: string): Record<string, string> {
  const declared = model?.remoteKeys ?? {};
  const related = relationKeys(className);
  return related === noRelationKeys ? declared : { ...related, ...declared };
}

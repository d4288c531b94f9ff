// Options passed to a call, checked where they are passed (API.md "Errors":
// a bad option is a programmer error that names the thing to fix), instead
// of failing later far from the cause: a `success: "x"` would throw from a
// timer once the server answered, a `removeScope: 5` would scope nothing.
import { badOption, isFunction, type OptionRule } from "./checked-options";
import { oneSlipFrom } from "./near-miss";

const has = (...methods: string[]) => (value: any) => typeof value == "object" && methods.every((m) => typeof value[m] == "function");
const isBoolean = (value: unknown) => typeof value == "boolean";
const isObject = (value: unknown) => typeof value == "object" && !Array.isArray(value);
const callback: OptionRule = ["a function", isFunction];
const object: OptionRule = ["an object", isObject];
const trueOrFalse: OptionRule = ["true or false", isBoolean];

/**
 * Throws for the first option with a rule whose value it refuses (null and
 * undefined are the default). `where(key)` names an option as the app wrote
 * it. An option with no rule is someone else's (Spine's own, the app's),
 * unless the call has no others (`closed`): then it is a misspelling.
 */
function check(options: any, rules: Record<string, OptionRule>, where: (key: string) => string, closed?: boolean): void {
  for (const key in options) {
    const rule = rules[key];
    const value = options[key];
    if (!rule) {
      if (closed) throw new Error(`atmos2: ${where(key)} is not an option; the options are ${Object.keys(rules).join(", ")}`);
      // Someone else's, unless it is one of ours mistyped (`remtoe`: saved locally only, without a word).
      for (const name in rules) if (oneSlipFrom(key, name)) throw new Error(`atmos2: ${where(key)} is not an option atmos2 knows; did you mean ${name}?`);
    } else if (value != null && !rule[1](value)) throw badOption(where(key), rule[0], value);
  }
}

const atmosRules: Record<string, OptionRule> = {
  storage: ["a Web Storage object (getItem, setItem, removeItem, key, length)", has("getItem", "setItem", "removeItem", "key")],
  store: ["a store (get, put, delete, batch, entries)", has("get", "put", "delete", "batch", "entries")],
  prefix: ["a non-empty string", (value) => typeof value == "string" && value != ""],
  clock: ["a clock (now, setTimeout, clearTimeout)", has("now", "setTimeout", "clearTimeout")],
  random: ["a function returning a number in [0, 1)", isFunction],
  connectivity: ["an object with subscribe(listener)", has("subscribe")],
  lease: ["a lease (start, release)", has("start", "release")],
  WebSocket: ["a WebSocket class", isFunction],
  feed: ["a change feed (publish, subscribe, close)", has("publish", "subscribe", "close")],
};

/** `new Atmos(options)`: every option is atmos2's, so an unknown one is a misspelling. */
export function checkAtmosOptions(options: unknown): void {
  if (options != null && typeof options != "object") throw badOption("new Atmos(options)", "an object of options", options);
  check(options, atmosRules, (key) => `new Atmos({ ${key} })`, true);
}

const saveRules: Record<string, OptionRule> = {
  remote: trueOrFalse,
  success: callback,
  error: callback,
  prepareData: callback,
  updateFromData: callback,
  pathParams: object,
  params: object,
};

/**
 * A model's settings (`remoteSaveOptions`, `remoteKeys`) found good, so a
 * save checks each object once, not on every save: an app assigns them once.
 */
const goodSettings = new WeakSet<object>();

/** Runs `checkIt` once per object: again only for another object (a new assignment). */
function once(settings: unknown, checkIt: () => void): void {
  if (typeof settings == "object" && settings !== null && goodSettings.has(settings)) return;
  checkIt();
  if (typeof settings == "object" && settings !== null) goodSettings.add(settings);
}

const nonEmptyString: OptionRule = ["a non-empty string", (value) => typeof value == "string" && value != ""];

/** A model's atmos2 settings (`Task.url = …`): the app sets them on the class, so they are checked where they are read. */
const modelRules: Record<string, OptionRule> = {
  url: ["a string or a function returning one", (value) => typeof value == "string" || isFunction(value)],
  local: trueOrFalse,
  remote: trueOrFalse,
  resolveConflict: callback,
  fromRemote: callback,
  remoteSaveOptions: object,
  incremental: ["an object { param, field, params }", (value) => typeof value == "object" && !Array.isArray(value)],
};
const modelSettings = Object.keys(modelRules);
const incrementalRules: Record<string, OptionRule> = { param: nonEmptyString, field: nonEmptyString, params: object };

/** A model's settings as last found good. */
type Settings = Record<(typeof modelSettings)[number], unknown>;

/** The settings of each model as last found good: a save compares them, and checks again only when one changed. */
const checkedModels = new WeakMap<object, Settings>();

/**
 * Throws for a model setting of the wrong kind (`Task.local = "yes"` would
 * send the record; `Task.url = 5` send it to the default route): checked
 * before a save, a destroy or a sync, once per value. The comparison is
 * written out: it runs on every save (a loop over the names cost a save
 * about 90 ns).
 */
export function checkModelSettings(model: any): void {
  const seen = checkedModels.get(model);
  if (
    seen &&
    seen.url === model.url &&
    seen.local === model.local &&
    seen.remote === model.remote &&
    seen.resolveConflict === model.resolveConflict &&
    seen.fromRemote === model.fromRemote &&
    seen.remoteSaveOptions === model.remoteSaveOptions &&
    seen.incremental === model.incremental
  ) {
    return;
  }
  const name = model.className;
  const values = {} as Settings;
  for (const key of modelSettings) {
    const value = (values[key] = model[key]);
    if (value != null && !modelRules[key][1](value)) throw badOption(`${name}.${key}`, modelRules[key][0], value);
  }
  if (model.incremental != null) check(model.incremental, incrementalRules, (key) => `${name}.incremental.${key}`, true);
  checkedModels.set(model, values);
}

/** `record.save(options)`, `record.destroy(options)` and the model's `remoteSaveOptions` (Spine's own options pass). */
export function checkSaveOptions(model: { className: string; remoteSaveOptions?: unknown }, call: string, options: unknown): void {
  checkModelSettings(model);
  const name = model.className;
  // None set (the usual model): nothing to check, on every save.
  if (model.remoteSaveOptions != null) once(model.remoteSaveOptions, () => check(model.remoteSaveOptions, saveRules, (key) => `${name}.remoteSaveOptions.${key}`));
  check(options, saveRules, (key) => `${name} ${call}({ ${key} })`);
  // Spine Ajax sends every save it is not told to skip (`ajax: false`). (Only a model extended with it is looked at further: this runs on every save.)
  if (typeof (model as any).ajaxChange == "function" && sentByAtmos2AndAjax(model, options as Record<string, unknown> | undefined)) {
    throw new Error(
      `atmos2: ${name} is extended with both Spine.Model.Ajax and Spine.Model.Atmosphere, so both would send this ${call} to the server (a create twice). Remove ${name}.extend(Spine.Model.Ajax): atmos2 sends the changes itself`,
    );
  }
}

/** Whether atmos2 sends this save (remote) and Spine Ajax is not told to skip it. */
function sentByAtmos2AndAjax(model: any, options: Record<string, unknown> | undefined): boolean {
  return options?.ajax !== false && !model.local && (options?.remote === true || model.remote === true);
}

const syncRules: Record<string, OptionRule> = {
  remote: trueOrFalse,
  pathParams: object,
  params: object,
  remove: trueOrFalse,
  removeScope: ["an object of attributes or a function", (value) => isObject(value) || isFunction(value)],
  since: ['"auto" or a date and time such as "2026-01-31T12:00:00Z"', (value) => value === "auto" || (typeof value == "string" && !isNaN(Date.parse(value)))],
};

const executeRules: Record<string, OptionRule> = {
  method: ['an HTTP method such as "POST"', (value) => typeof value == "string" && /^[A-Za-z]+$/.test(value)],
  path: nonEmptyString,
  pathParams: object,
  params: object,
  data: ["anything", () => true],
  headers: object,
};

/** `resourceClient.execute(options)`: every option is atmos2's (`methd` would go out as a GET). */
export function checkExecuteOptions(options: unknown): void {
  if (typeof options != "object" || options === null) throw badOption("execute(options)", "an object { method, path, params, data }", options);
  check(options, executeRules, (key) => `execute({ ${key} })`, true);
}

/** `Model.sync(options)`: every option is atmos2's. */
export function checkSyncOptions(model: { className: string }, options: unknown): void {
  checkModelSettings(model);
  const className = model.className;
  if (options != null && typeof options != "object") throw badOption(`${className}.sync(options)`, "an object of options", options);
  check(options, syncRules, (key) => `${className}.sync({ ${key} })`, true);
}

/**
 * `Model.remoteKeys`: foreign key attribute → class name of the model it
 * points to, a class name `extended` holds. A name that is none (a typo) would send the
 * child with its parent's local id, and its key would never follow.
 */
export function checkRemoteKeys(className: string, keys: unknown, extended: ReadonlyMap<string, unknown>): void {
  once(keys, () => {
    if (typeof keys != "object" || keys === null || Array.isArray(keys)) throw badOption(`${className}.remoteKeys`, 'an object of foreign key → class name, such as { projectID: "Project" }', keys);
    for (const key in keys) {
      const value = (keys as Record<string, unknown>)[key];
      if (typeof value != "string" || value == "") throw badOption(`${className}.remoteKeys.${key}`, "a class name", value);
      if (!extended.has(value)) throw new Error(`atmos2: ${className}.remoteKeys.${key} names ${value}, no model extended with Spine.Model.Atmosphere (extended: ${[...extended.keys()].join(", ")})`);
    }
  });
}

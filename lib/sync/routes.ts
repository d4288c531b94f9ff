import { collectionName } from "./naming";

/**
 * Route resolution, pure. A route is "VERB /path/:param" or just "/path".
 *
 * Lookup order for a model's action: routes[ClassName][action], then the
 * flat routes[action] (the original atmos2 style), then REST defaults from the
 * model's `url` or its class name (Task → /tasks, /tasks/:id).
 */
export type Action = "index" | "create" | "update" | "delete" | "read";
/** A model's routes: "VERB /path/:param" or "/path" for each action it uses. */
export type RouteSet = { [action in Action]?: string };
/** `rc.routes`: a model's `RouteSet` under its class name, or (the original atmos2's flat form) an action's route. */
export type RouteTable = Record<string, string | RouteSet>;

export interface ResolvedRoute {
  method: string;
  /** The path with every `:param` filled in (URL-encoded). */
  path: string;
  /** Names of the path parameters the route uses. */
  params: string[];
}

const defaultVerbs: Record<string, string> = { index: "GET", create: "POST", update: "PUT", delete: "DELETE", read: "GET" };
const actions = Object.keys(defaultVerbs);
/** "index, create, update, delete, read", for messages. */
const actionList = actions.join(", ");
const verbPattern = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(\S+)$/i;

/**
 * The route text for a model's action, before parameters are filled in.
 * `models` gives the class names extended with Spine.Model.Atmosphere, known
 * only at use (models may be extended after the routes are assigned); asked
 * only for a model without routes of its own, not on every save.
 */
export function routeFor(routes: RouteTable, className: string, action: Action, modelUrl?: string, models?: () => string[]): string {
  const own = routes[className];
  if (own !== undefined && typeof own !== "object") {
    throw new Error(`atmos2: routes.${className} must be an object of actions (${actionList}), got ${typeof own}`);
  }
  // An object is a model's entry (validateRoutes allows no other). One that
  // names no extended model is most likely this model misspelled (Tsak for
  // Task), which would otherwise send it to the REST defaults without a word.
  const extended = own || !models ? undefined : models();
  const unknown = extended ? Object.keys(routes).filter((name) => typeof routes[name] == "object" && !extended.includes(name)) : [];
  if (unknown.length) {
    throw new Error(`atmos2: routes.${unknown.join(", routes.")} names no model extended with Spine.Model.Atmosphere (extended: ${extended!.join(", ")}); ${className} would use the REST defaults`);
  }
  const explicit = (own as Record<string, string> | undefined)?.[action];
  if (typeof explicit === "string") return explicit;
  const flat = routes[action];
  if (typeof flat === "string") return flat;
  const base = (modelUrl ?? `/${collectionName(className)}`).replace(/\/$/, "");
  return action === "index" || action === "create" ? base : `${base}/:id`;
}

/** Checks a routes table once, when it is assigned, so typos fail early. */
export function validateRoutes(routes: RouteTable): void {
  if (!routes || typeof routes !== "object") throw new Error("atmos2: resourceClient.routes must be an object");
  for (const [name, value] of Object.entries(routes)) {
    if (typeof value === "string") {
      if (!actions.includes(name)) {
        throw new Error(`atmos2: routes.${name} is a string, but "${name}" is not an action (${actionList}); per-model routes go in an object: routes.${name} = { index: "GET /…" }`);
      }
      parseRoute(value, name);
    } else if (value && typeof value === "object") {
      for (const [action, route] of Object.entries(value)) {
        if (!actions.includes(action)) throw new Error(`atmos2: routes.${name}.${action} is not an action; a model's routes are ${actionList}`);
        if (typeof route !== "string") throw new Error(`atmos2: routes.${name}.${action} must be a string like "GET /path/:id"`);
        parseRoute(route, `${name}.${action}`);
      }
    } else {
      throw new Error(`atmos2: routes.${name} must be a string or an object of actions`);
    }
  }
}

function parseRoute(route: string, where: string): { method?: string; path: string } {
  const trimmed = route.trim();
  const match = verbPattern.exec(trimmed);
  if (match) return { method: match[1].toUpperCase(), path: match[2] };
  if (/\s/.test(trimmed) || trimmed === "") {
    throw new Error(`atmos2: route routes.${where} = "${route}" is not "VERB /path" (verbs: GET, POST, PUT, PATCH, DELETE)`);
  }
  return { path: trimmed };
}

/**
 * Fills `:name` parameters from `values` (call pathParams first, then record
 * attributes). A missing value is a programmer error: it throws naming the
 * route and the parameter.
 */
export function resolveRoute(route: string, action: string, lookup: (name: string) => unknown, where = action): ResolvedRoute {
  const { method, path } = parseRoute(route, where);
  const params: string[] = [];
  const advice = (name: string) =>
    // A create's `:id` would be the remote id, which the server has not given yet.
    action === "create" && name === "id" ? "a record being created has no remote id yet: use a create route without :id, or pass it in pathParams" : "pass it in pathParams or set it on the record";
  const filled = fillPath(path, lookup, `route "${route}" (${where})`, advice, params);
  return { method: method ?? defaultVerbs[action] ?? "GET", path: filled, params };
}

/**
 * `path` with each `:name` replaced by `lookup(name)`, URL-encoded (routes,
 * and `rc.execute({ path, pathParams })`); the names used are pushed onto
 * `params`. A missing value throws, naming the path (`where`) and saying
 * what to do (`advice(name)`); so does "." or "..": encodeURIComponent keeps
 * dots, and fetch reads them (%2e too) as steps up the path.
 */
export function fillPath(path: string, lookup: (name: string) => unknown, where: string, advice: (name: string) => string, params: string[] = []): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
    params.push(name);
    const value = lookup(name);
    if (value === undefined || value === null || value === "") throw new Error(`atmos2: ${where} needs a value for :${name}; ${advice(name)}`);
    const text = String(value);
    if (text === "." || text === "..") throw new Error(`atmos2: ${where} has "${text}" for :${name}, which a URL reads as a step up the path: the request would reach another address; use another value`);
    return encodeURIComponent(text);
  });
}

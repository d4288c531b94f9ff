import type { Attrs } from "../store/record-entry";
import type { ResourceClient } from "../sync/resource-client";

/** A stand-in for each path parameter: letters and underscores, which URL-encoding leaves as they are. */
const mark = (name: string) => `atmos2__${name}__`;

/**
 * A record that arrives live carries the resource as the REST API returns
 * it, which may leave out an attribute its routes need (a Google task has no
 * `taskListID`; its list is only in the path). When the body links to the
 * record itself (a Google task's `selfLink`, a Rails `url`), the path
 * parameters the record lacks are read from that link, matched against the
 * model's update route, so the record's next save finds its route. Only a
 * link whose `:id` is this record's counts. Pure.
 */
export function fillFromLink(rc: ResourceClient, className: string, modelUrl: string | undefined, attrs: Attrs): Attrs {
  let route;
  try {
    route = rc.route(className, "update", mark, modelUrl);
  } catch {
    return attrs;
  }
  const { path, params } = route;
  if (!params.some((name) => attrs[name] == null)) return attrs;
  const pattern = new RegExp(path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/atmos2__\w+?__/g, "([^/?#]+)") + "(?:[?#].*)?$");
  for (const value of Object.values(attrs)) {
    const match = typeof value == "string" && /^https?:\/\//.test(value) ? pattern.exec(value) : null;
    if (!match) continue;
    const found = params.map((_, i) => decodeURIComponent(match[i + 1]));
    if (params.includes("id") && found[params.indexOf("id")] !== String(attrs.id)) continue;
    const filled = { ...attrs };
    params.forEach((name, i) => (filled[name] ??= found[i]));
    return filled;
  }
  return attrs;
}

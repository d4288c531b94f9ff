import type { Atmos } from "atmos2";

/**
 * Points atmos2 at a Google-Tasks-compatible API, the way a user of the
 * library does it for Google Tasks itself (the atmos2 README setup).
 */
export function configureTasksApi(atmos: Atmos, base: string): void {
  const rc = atmos.resourceClient;
  rc.base = base;
  rc.routes = {
    List: {
      index: "GET /users/@me/lists",
      create: "POST /users/@me/lists",
      // PATCH: a list has one writable field, and PATCH leaves the others alone.
      update: "PATCH /users/@me/lists/:id",
      delete: "DELETE /users/@me/lists/:id",
    },
    Task: {
      index: "GET /lists/:taskListID/tasks",
      create: "POST /lists/:taskListID/tasks",
      update: "PUT /lists/:taskListID/tasks/:id",
      delete: "DELETE /lists/:taskListID/tasks/:id",
    },
  };
  rc.IDField = "id";
  rc.dataCoding = "json";
  // Google leaves `items` out of an empty page instead of sending [].
  rc.itemsFromResult = (result: { items?: unknown[] }) => result?.items ?? [];
}

/** Sets (or, with no token, removes) the Bearer token sent with every request. */
export function setBearer(atmos: Atmos, token: string | undefined): void {
  if (token) atmos.resourceClient.addHeader("Authorization", `Bearer ${token}`);
  else atmos.resourceClient.removeHeader("Authorization");
}

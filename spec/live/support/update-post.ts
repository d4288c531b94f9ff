/** A change of task `id` as a backend publishes it (the live specs' stock change). */
export const change = (id: string) => ({ type: "updated" as const, collection: "tasks", id, attrs: { id } });

/** `POST /update` of one change per id on `channel`, as a backend sends it: the status and the seq answered. */
export async function post(url: string, secret: string, channel: string, ids: string[]): Promise<{ status: number; seq: number }> {
  const res = await fetch(`${url}/update`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Atmos-Secret": secret },
    body: JSON.stringify({ channel, changes: ids.map(change) }),
  });
  const body = (await res.json()) as { seq: number };
  return { status: res.status, seq: body.seq };
}

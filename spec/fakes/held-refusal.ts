/**
 * A transport for `resourceClient.fetch` whose requests wait until the spec
 * says, then fail as Node's fetch fails when nothing listens (a TypeError
 * whose cause is ECONNREFUSED): a request that never left, still on its way
 * while the spec makes edits.
 */
export function heldRefusal() {
  const waiting: Array<() => void> = [];
  let started!: () => void;
  const firstStarted = new Promise<void>((resolve) => (started = resolve));
  const transport = (url: string, init?: RequestInit): Promise<Response> => {
    void url;
    void init;
    started();
    return new Promise((_, reject) =>
      waiting.push(() => reject(Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }) }))),
    );
  };
  return {
    fetch: transport,
    /** Resolves once a request is on its way. */
    started: firstStarted,
    /** Fails every request on its way. */
    refuse(): void {
      for (const fail of waiting.splice(0)) fail();
    },
  };
}

import { Atmos } from "../atmos";
import { LiveClient } from "./live-client";

// What `import "atmos2/live"` (or dist/atmos2-live.js, loaded after
// dist/atmos2.js) does: every Atmos instance gets `atmos.live`, made on first
// use. The core only holds the hook, so apps without live updates do not
// download the client.
if (typeof Atmos !== "function") {
  throw new Error("atmos2-live.js needs atmos2 first: load dist/atmos2.js (the global Atmos) before dist/atmos2-live.js");
}
Atmos.LiveClient = LiveClient;

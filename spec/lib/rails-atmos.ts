import { Atmos } from "../../lib";
import { MemoryStorage } from "../fakes/memory-storage";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../servers/rails-scaffold-server";
import { resetModels } from "./models";

/** What `railsAtmos()` makes anew for each test. */
export interface RailsAtmos {
  rails: RailsScaffoldServer;
  atmos: Atmos;
  /** The Atmos's storage (a spec's next page opens another Atmos on it). */
  storage: MemoryStorage;
}

/**
 * A Rails scaffold server on a free port and an Atmos sending to it (memory
 * storage, the system clock), made before each test of the describe it is
 * called in and closed after.
 */
export function railsAtmos(): RailsAtmos {
  const fixture = {} as RailsAtmos;
  beforeEach(async () => {
    resetModels();
    fixture.rails = await startRailsScaffoldServer();
    fixture.storage = new MemoryStorage();
    fixture.atmos = new Atmos({ storage: fixture.storage });
    fixture.atmos.resourceClient.base = fixture.rails.url;
  });
  afterEach(async () => {
    fixture.atmos.close();
    await fixture.rails.close();
  });
  return fixture;
}

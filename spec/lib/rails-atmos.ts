import { Atmos } from "../../lib";
import { MemoryStorage } from "../fakes/memory-storage";
import { startRailsScaffoldServer, type RailsScaffoldServer } from "../servers/rails-scaffold-server";
import { resetModels } from "./models";

/** What `railsAtmos()` makes anew for each test. */
export interface RailsAtmos {
  rails: RailsScaffoldServer;
  atmos: Atmos;
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
    fixture.atmos = new Atmos({ storage: new MemoryStorage() });
    fixture.atmos.resourceClient.base = fixture.rails.url;
  });
  afterEach(async () => {
    fixture.atmos.close();
    await fixture.rails.close();
  });
  return fixture;
}

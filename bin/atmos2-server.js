#!/usr/bin/env node
// Starts the standalone atmos2 live server (see server/live/cli.ts for the
// environment it reads). The server is TypeScript, loaded through tsx.
require("tsx/cjs");
require("../server/live/cli.ts")
  .main()
  .catch((error) => {
    console.error(`[atmos2-server] ${error.message}`);
    process.exit(1);
  });

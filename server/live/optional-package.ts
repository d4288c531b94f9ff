/**
 * `redis` and `better-sqlite3` are optional peer dependencies of atmos2: a
 * server that uses neither option must start without them installed. So they
 * are required here, at the moment an option needs them, and never at the top
 * of a module.
 */
export function loadOptionalPackage<T>(name: "redis" | "better-sqlite3", neededBy: string): T {
  try {
    // A plain require keeps the package out of the module graph until now;
    // the compiled server is CommonJS, so `require` is always there.
    return require(name) as T;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    // Only the package itself missing is the user's to fix by installing it;
    // a broken install of it (a missing file inside) keeps its own error.
    if (code === "MODULE_NOT_FOUND" && message.startsWith(`Cannot find module '${name}'`)) {
      throw new Error(`atmos2-server: ${neededBy} but the optional package "${name}" is not installed; run npm install ${name}`);
    }
    throw error;
  }
}

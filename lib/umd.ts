// Entry of the UMD/CommonJS build: `require("atmos2")` and the browser global
// `Atmos` are the class itself, with every named export on it (and `.default`).
// (spec/lib/umd-entry.spec.ts checks it carries every named export of lib/index.ts.)
import * as api from "./index";

const Atmos = Object.assign(api.Atmos, api, { default: api.Atmos });
export default Atmos;

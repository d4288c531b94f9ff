// The package's `main`, for tools that read `main` and not the `exports` map:
// Hem (Spine's bundler, which also names a module after the file it resolves,
// so `require('atmos2')` in a Hem app finds this `atmos2/index`), Browserify,
// old bundlers and Node before 12. They get the ES5 UMD build, which every one
// of them can parse. Node 12+ and current bundlers use `exports` instead.
module.exports = require("./dist/atmos2.es5");

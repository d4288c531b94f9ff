// The "extended" runs: one Atmos on the page (no routes, so nothing is sent),
// and every model class extended with Spine.Model.Atmosphere right after
// configure, as the README tells apps to do. Spine's specs make their models
// with Spine.Model.setup / sub + configure, often anew in each beforeEach, so
// the hook is configure itself.
(function () {
  if (typeof window.Atmos !== "function") {
    throw new Error("spine-specs: dist/atmos2.js did not define the global Atmos (rebuild it: npx webpack --mode production --config-name umd)");
  }
  if (!Spine.Model.Atmosphere) {
    throw new Error("spine-specs: Spine.Model.Atmosphere is missing after loading dist/atmos2.js after spine.js");
  }
  window.spineSpecAtmos = new Atmos();

  // How many times a model was extended: the runner checks it is not zero.
  window.spineSpecExtended = 0;
  var configure = Spine.Model.configure;
  // Class methods are copied to sub-classes when they are made (CoffeeScript's
  // __extends), so models made from Spine.Model, or from a model made from
  // it, get this wrapper too. A re-configure calls Spine's configure again,
  // which unbinds every class callback (atmos2's change listener included),
  // so extending again is what an app re-configuring a model would do.
  Spine.Model.configure = function () {
    var result = configure.apply(this, arguments);
    this.extend(Spine.Model.Atmosphere);
    window.spineSpecExtended++;
    return result;
  };
})();

// Collects jasmine 2 results for the node runner (spec/spine-specs/run.ts),
// which polls window.spineSpecResults until `done` is true. Loaded right
// after jasmine's boot.js, before the specs.
(function () {
  var results = (window.spineSpecResults = { done: false, specs: [], errors: [] });

  function messages(expectations) {
    return (expectations || []).map(function (e) {
      return e.message;
    });
  }

  jasmine.getEnv().addReporter({
    specDone: function (result) {
      results.specs.push({ name: result.fullName, status: result.status, messages: messages(result.failedExpectations) });
    },
    // An afterAll or beforeAll that throws fails the suite, not a spec.
    suiteDone: function (result) {
      messages(result.failedExpectations).forEach(function (m) {
        results.errors.push(result.fullName + ": " + m);
      });
    },
    jasmineDone: function (result) {
      messages(result && result.failedExpectations).forEach(function (m) {
        results.errors.push("top level: " + m);
      });
      results.done = true;
    },
  });
})();

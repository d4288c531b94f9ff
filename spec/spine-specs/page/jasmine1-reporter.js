// Collects jasmine 1.3 results for the node runner (spec/spine-specs/run.ts),
// which polls window.spineSpecResults until `done` is true. Loaded right
// after the jasmine.js the Spine package ships in test/lib.
(function () {
  var results = (window.spineSpecResults = { done: false, specs: [], errors: [] });

  jasmine.getEnv().addReporter({
    reportRunnerStarting: function () {},
    reportSpecStarting: function () {},
    reportSuiteResults: function () {},
    log: function () {},
    reportSpecResults: function (spec) {
      var outcome = spec.results();
      var failed = outcome.getItems().filter(function (item) {
        return typeof item.passed === "function" && !item.passed();
      });
      results.specs.push({
        name: spec.getFullName(),
        status: outcome.skipped ? "pending" : outcome.passed() ? "passed" : "failed",
        messages: failed.map(function (item) {
          return item.message;
        }),
      });
    },
    reportRunnerResults: function () {
      results.done = true;
    },
  });
})();

// What the inline script at the end of Spine 1.2.2's test pages does: add
// jasmine's HTML reporter (so the page reads well when opened by hand) and run.
(function () {
  var env = jasmine.getEnv();
  env.updateInterval = 250;
  var htmlReporter = new jasmine.HtmlReporter();
  env.addReporter(htmlReporter);
  env.specFilter = function (spec) {
    return htmlReporter.specFilter(spec);
  };
  env.execute();
})();

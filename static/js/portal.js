/* Small enhancements; every page works without them. */
(function () {
  "use strict";

  // Error summary: move focus to it so screen readers announce the problems
  // (GOV.UK pattern), and make its links focus the field with its label in view.
  function initErrorSummary() {
    var summary = document.querySelector('[data-module="error-summary"]');
    if (!summary) return;
    if (document.activeElement !== summary) summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var input = document.getElementById(link.getAttribute("href").slice(1));
      if (!input) return;
      event.preventDefault();
      var legend = input.closest("fieldset") && input.closest("fieldset").querySelector("legend");
      var label = legend || document.querySelector("label[for='" + input.id + "']");
      (label || input).scrollIntoView();
      input.focus({ preventScroll: true });
    });
  }

  // A second click on a submit button within a second is ignored; the server
  // guards against duplicates anyway, this just spares the round trip.
  function initDoubleClickGuard() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      var last = Number(form.dataset.submittedAt || 0);
      var now = Date.now();
      if (now - last < 1000) {
        event.preventDefault();
        return;
      }
      form.dataset.submittedAt = String(now);
    });
  }

  function init() {
    initErrorSummary();
    initDoubleClickGuard();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

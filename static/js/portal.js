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

  // Questions that depend on an earlier answer on the same page
  // (data-reveal="controller=value|value" or "controller=*" for any answer)
  // are hidden until that answer holds.  Without JavaScript they are all
  // shown and the server ignores those that do not apply.
  function initReveal() {
    var dependants = document.querySelectorAll("[data-reveal]");
    if (!dependants.length) return;
    function currentValue(form, name) {
      var inputs = form.querySelectorAll("[name='" + name + "']");
      for (var i = 0; i < inputs.length; i++) {
        var input = inputs[i];
        if (input.type === "radio" || input.type === "checkbox") {
          if (input.checked) return input.value;
        } else {
          return input.value.trim();
        }
      }
      return "";
    }
    function update() {
      dependants.forEach(function (element) {
        var spec = element.getAttribute("data-reveal");
        var split = spec.indexOf("=");
        var name = spec.slice(0, split);
        var wanted = spec.slice(split + 1).split("|");
        var form = element.closest("form");
        if (!form) return;
        var value = currentValue(form, name);
        var show = wanted[0] === "*" ? value !== "" : wanted.indexOf(value) !== -1;
        element.hidden = !show;
      });
    }
    document.addEventListener("change", update);
    update();
  }

  function init() {
    initReveal();
    initErrorSummary();
    initDoubleClickGuard();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

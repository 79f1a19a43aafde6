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
  // are hidden until that answer holds: the GOV.UK conditional reveal.  The
  // radios and checkboxes that reveal a block get aria-controls (its id);
  // the checkboxes also aria-expanded.  Without JavaScript every block is
  // shown and the server ignores the answers that do not apply.
  function initReveal() {
    var dependants = document.querySelectorAll("[data-reveal]");
    if (!dependants.length) return;
    function parse(element) {
      var spec = element.getAttribute("data-reveal");
      var split = spec.indexOf("=");
      return { name: spec.slice(0, split), wanted: spec.slice(split + 1).split("|") };
    }
    function currentValues(form, name) {
      var values = [];
      var inputs = form.querySelectorAll("[name='" + name + "']");
      for (var i = 0; i < inputs.length; i++) {
        var input = inputs[i];
        if (input.type === "radio" || input.type === "checkbox") {
          if (input.checked) values.push(input.value);
        } else if (input.value.trim() !== "") {
          values.push(input.value.trim());
        }
      }
      return values;
    }
    dependants.forEach(function (element, index) {
      var form = element.closest("form");
      if (!form) return;
      if (!element.id) element.id = "reveal-" + index;
      var spec = parse(element);
      form.querySelectorAll("[name='" + spec.name + "']").forEach(function (input) {
        if (input.type !== "radio" && input.type !== "checkbox") return;
        if (spec.wanted[0] !== "*" && spec.wanted.indexOf(input.value) === -1) return;
        var ids = (input.getAttribute("aria-controls") || "").split(" ").filter(Boolean);
        if (ids.indexOf(element.id) === -1) ids.push(element.id);
        input.setAttribute("aria-controls", ids.join(" "));
      });
    });
    function update() {
      dependants.forEach(function (element) {
        var form = element.closest("form");
        if (!form) return;
        var spec = parse(element);
        var values = currentValues(form, spec.name);
        var show = spec.wanted[0] === "*"
          ? values.length > 0
          : values.some(function (value) { return spec.wanted.indexOf(value) !== -1; });
        element.hidden = !show;
      });
      // aria-expanded on checkboxes only: ARIA does not allow it on radios,
      // which keep aria-controls alone (as GOV.UK Frontend does).
      document.querySelectorAll("input[type=checkbox][aria-controls]").forEach(function (input) {
        var open = input.getAttribute("aria-controls").split(" ").some(function (id) {
          var target = document.getElementById(id);
          return target && !target.hidden;
        });
        input.setAttribute("aria-expanded", input.checked && open ? "true" : "false");
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

/* Small enhancements; every page works without them. */
(function () {
  "use strict";

  // Error summary: move focus to it so screen readers announce the problems
  // (GOV.UK pattern), and make its links focus the field with its label in view.
  function initErrorSummary() {
    var summary = document.querySelector('[data-module="error-summary"]');
    if (!summary) return;
    // After an upload the page comes back at the slot (#slot-…), whose own
    // error message is in view; moving focus would scroll the user away.
    var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    if (target && target.querySelector(".error-message")) return initErrorLinks(summary);
    if (document.activeElement !== summary) summary.focus();
    initErrorLinks(summary);
  }

  function initErrorLinks(summary) {
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

  // Busy state: once a form is sent, the button that sent it is disabled,
  // marked aria-busy and says so ("Sending…", from data-busy-label on the
  // button or on <body>), and a second submit of that form is ignored, so a
  // double click cannot send it twice.  The server guards against duplicates
  // anyway; without JavaScript the form simply submits.
  function initBusyButtons() {
    var BUSY_RESET_MS = 15000; // a download leaves the page in place: free it again

    function submitButtonOf(form, submitter) {
      if (submitter) return submitter;
      return form.querySelector("button[type='submit'], button:not([type]), input[type='submit']");
    }

    function setBusy(form, button, busy) {
      if (busy) {
        form.dataset.busy = "true";
      } else {
        delete form.dataset.busy;
      }
      if (!button) return;
      if (busy) {
        var label = button.getAttribute("data-busy-label") || document.body.getAttribute("data-busy-label");
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
        if (label) {
          if (button.tagName === "INPUT") {
            button.dataset.idleLabel = button.value;
            button.value = label;
          } else {
            button.dataset.idleLabel = button.innerHTML;
            button.textContent = label;
          }
        }
      } else {
        button.disabled = false;
        button.removeAttribute("aria-busy");
        if (button.dataset.idleLabel !== undefined) {
          if (button.tagName === "INPUT") {
            button.value = button.dataset.idleLabel;
          } else {
            button.innerHTML = button.dataset.idleLabel;
          }
          delete button.dataset.idleLabel;
        }
      }
    }

    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (event.defaultPrevented || (form.method || "").toLowerCase() === "dialog") return;
      if (form.dataset.busy === "true") {
        event.preventDefault();
        return;
      }
      if (form.target && form.target !== "_self") return; // the page stays usable
      var button = submitButtonOf(form, event.submitter);
      form.dataset.busy = "true";
      // Disabled only after the browser has collected the form's data, so a
      // submit button's own name and value are still sent.
      window.setTimeout(function () {
        setBusy(form, button, true);
      }, 0);
      window.setTimeout(function () {
        setBusy(form, button, false);
      }, BUSY_RESET_MS);
    });

    // Back/forward cache: a page restored after leaving it must not stay busy.
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) return;
      document.querySelectorAll("form[data-busy='true']").forEach(function (form) {
        var button = form.querySelector("[aria-busy='true']");
        setBusy(form, button, false);
      });
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
    initBusyButtons();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

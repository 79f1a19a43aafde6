/* Session timeout warning (WCAG 2.2.1 Timing Adjustable, QUALITY.md item 4).
 *
 * Polls the session's remaining time about once a minute (the status request
 * does not count as activity), opens the warning dialog when the time left
 * drops to the warning threshold, and extends the session on "Stay signed in".
 * When the time is up it goes to the sign-in page.  Without JavaScript the
 * server still enforces the limits. */
(function () {
  "use strict";

  var dialog = document.getElementById("session-dialog");
  if (!dialog || typeof dialog.showModal !== "function") return;

  var POLL_MS = 60 * 1000;
  var warning = Number(dialog.dataset.warningSeconds) || 180;
  var idle = Number(dialog.dataset.idleSeconds) || 1800;
  var countdown = dialog.querySelector("[data-session-countdown]");
  var extendButton = dialog.querySelector("[data-session-extend]");
  var deadline = Date.now() + idle * 1000;
  var lastText = "";

  function csrfToken() {
    var input = document.querySelector("#logout-form input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function secondsLeft() {
    return Math.max(0, Math.round((deadline - Date.now()) / 1000));
  }

  function timeText(seconds) {
    var minutes = Math.ceil(seconds / 60);
    if (seconds < 60) return dialog.dataset.textUnderAMinute;
    if (minutes === 1) return dialog.dataset.textOneMinute;
    return dialog.dataset.textMinutes.replace("__N__", String(minutes));
  }

  function render() {
    // The text changes at most once a minute, so the live region is not noisy.
    var text = timeText(secondsLeft());
    if (text !== lastText) {
      countdown.textContent = text;
      lastText = text;
    }
  }

  function signedOut() {
    window.location.assign(dialog.dataset.loginUrl);
  }

  function update(data) {
    if (!data || !data.authenticated || data.seconds_left <= 0) {
      signedOut();
      return;
    }
    deadline = Date.now() + data.seconds_left * 1000;
    if (dialog.open && data.seconds_left > warning) dialog.close();
  }

  function poll() {
    fetch(dialog.dataset.statusUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      cache: "no-store",
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) update(data); })
      .catch(function () { /* offline: keep counting locally */ });
  }

  function extend() {
    fetch(dialog.dataset.extendUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        update(data);
        if (dialog.open) dialog.close();
      })
      .catch(function () { poll(); });
  }

  function tick() {
    var left = secondsLeft();
    if (left <= 0) {
      signedOut();
      return;
    }
    if (left <= warning && !dialog.open) {
      lastText = "";
      render();
      dialog.showModal();
      // Check with the server: another tab may have kept the session alive.
      poll();
    } else if (dialog.open) {
      render();
    }
  }

  extendButton.addEventListener("click", extend);
  // Escape closes the dialog; treat it as "stay signed in" so the warning
  // does not silently expire behind a closed dialog.
  dialog.addEventListener("cancel", function (event) {
    event.preventDefault();
    extend();
  });

  poll();
  window.setInterval(poll, POLL_MS);
  window.setInterval(tick, 1000);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) poll();
  });
})();

/* Session timeout warning (WCAG 2.2.1 Timing Adjustable, QUALITY.md item 4).
 *
 * Polls the session's remaining time about once a minute (the status request
 * does not count as activity), opens the warning dialog when the time left
 * drops to the warning threshold, and extends the session on "Stay signed in".
 * When the time is up it asks the server once more (another tab may have
 * kept the session alive) and then goes to the sign-in page.  Without
 * JavaScript the server still enforces the limits. */
(function () {
  "use strict";

  var dialog = document.getElementById("session-dialog");
  if (!dialog || typeof dialog.showModal !== "function") return;

  var POLL_MS = 60 * 1000;
  // Ask the server only a little after the local deadline, so the server has
  // surely ended the session and says so with its "signed out" message.
  var GRACE_MS = 2000;
  var warning = Number(dialog.dataset.warningSeconds) || 180;
  var idle = Number(dialog.dataset.idleSeconds) || 1800;
  var countdown = dialog.querySelector("[data-session-countdown]");
  var extendButton = dialog.querySelector("[data-session-extend]");
  var deadline = Date.now() + idle * 1000;
  var lastText = "";
  var leaving = false;
  var finalCheck = false;

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
    if (seconds < 60) return dialog.dataset.textUnderAMinute;
    var minutes = Math.ceil(seconds / 60);
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
    if (leaving) return;
    leaving = true;
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

  // The server answers an ended session with a redirect to the sign-in page;
  // "manual" keeps fetch from following it (and from using up the message
  // that tells the user why they were signed out).
  function ask(url, init) {
    init.credentials = "same-origin";
    init.redirect = "manual";
    init.cache = "no-store";
    init.headers = Object.assign({ Accept: "application/json" }, init.headers || {});
    return fetch(url, init).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 401) {
        return { authenticated: false, seconds_left: 0 };
      }
      return response.ok ? response.json() : null;
    });
  }

  function poll() {
    return ask(dialog.dataset.statusUrl, { method: "GET" })
      .then(function (data) { if (data) update(data); })
      .catch(function () { /* offline: keep counting locally */ });
  }

  function extend() {
    ask(dialog.dataset.extendUrl, { method: "POST", headers: { "X-CSRFToken": csrfToken() } })
      .then(function (data) {
        if (!data) return poll();
        update(data);
        if (dialog.open && !leaving) dialog.close();
      })
      .catch(function () { poll(); });
  }

  function tick() {
    if (leaving || finalCheck) return;
    if (Date.now() > deadline + GRACE_MS) {
      finalCheck = true;
      ask(dialog.dataset.statusUrl, { method: "GET" })
        .then(update, signedOut)
        .then(function () { finalCheck = false; });
      return;
    }
    if (secondsLeft() <= warning && !dialog.open) {
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

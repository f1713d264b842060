// Small enhancements to the coach dashboard. Every page works without
// them: progress has a Refresh link, secrets can be selected and copied.
(function () {
  "use strict";

  // While a cancelled date's bookings are being cancelled, follow the
  // count, and reload the page once it is done to show the final state.
  var progress = document.querySelector("[data-progress-url]");
  if (progress && window.fetch) {
    var url = progress.getAttribute("data-progress-url");
    var poll = function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (p) {
          var live = progress.querySelector("[data-live]");
          if (live) { live.textContent = String(p.live); }
          if (p.live === 0 || !p.running) { window.location.reload(); return; }
          window.setTimeout(poll, 2000);
        })
        .catch(function () { /* the Refresh link still works */ });
    };
    window.setTimeout(poll, 1500);
  }

  // A Copy button beside each secret shown once.
  if (navigator.clipboard) {
    document.querySelectorAll("input[data-copy]").forEach(function (input) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary small copy-button";
      button.textContent = "Copy";
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(input.value).then(function () {
          button.textContent = "Copied";
        });
      });
      input.insertAdjacentElement("afterend", button);
    });
  }
})();

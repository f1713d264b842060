// Small enhancements to the coach dashboard. Every page works without
// them: secrets can be selected and copied, and refund progress shows on
// reload.
(function () {
  "use strict";

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

  // Refund progress of a cancelled date: poll its JSON every few seconds
  // while refunds are pending and update the numbers in place. When the
  // last one is made or fails, reload once so a retry button can appear.
  document.querySelectorAll("[data-progress-url]").forEach(function (box) {
    var url = box.getAttribute("data-progress-url");
    var field = function (name) { return box.querySelector('[data-progress="' + name + '"]'); };
    var show = function (p) {
      ["done", "pending", "failed", "total"].forEach(function (name) {
        var el = field(name);
        if (el) { el.textContent = String(p[name]); }
      });
      var bar = field("bar");
      if (bar) { bar.max = p.total; bar.value = p.done; bar.textContent = p.done + " of " + p.total; }
    };
    var poll = function () {
      fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (p) {
          show(p);
          if (p.pending > 0) {
            window.setTimeout(poll, 3000);
          } else if (p.failed > 0 && !box.querySelector("form")) {
            window.location.reload();
          } else {
            var hint = field("hint");
            if (hint) { hint.textContent = "Nothing is waiting."; }
          }
        })
        .catch(function () { /* the page still works on reload */ });
    };
    if (field("pending") && field("pending").textContent !== "0") {
      window.setTimeout(poll, 3000);
    }
  });
})();

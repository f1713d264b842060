// Small enhancements to the coach dashboard. Every page works without
// them: secrets can be selected and copied.
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
})();

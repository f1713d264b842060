// Small enhancements of the attendee pages; each page works without them.
// - the event page: the total for the seats chosen, and the visitor's
//   time zone put in the form's hidden field (the form also offers a
//   visible choice);
// - the checkout and a held booking: a countdown to the hold's end.
(function () {
  "use strict";
  var seats = document.getElementById("seats");
  var total = document.getElementById("seat-total");
  if (seats && total && seats.getAttribute("data-totals")) {
    var totals = JSON.parse(seats.getAttribute("data-totals"));
    var showTotal = function () {
      var n = parseInt(seats.value, 10);
      total.textContent = n >= 1 && n <= totals.length ? totals[n - 1] :
        "Choose between 1 and " + totals.length + " seats.";
    };
    seats.addEventListener("input", showTotal);
    showTotal();
  }

  var zoneField = document.getElementById("visitor-zone");
  if (zoneField && !zoneField.value) {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { zone = ""; }
    var choice = document.getElementById("timezone-choice");
    var shown = document.getElementById("visitor-zone-name");
    if (zone) {
      zoneField.value = zone;
      if (shown && !(choice && choice.value)) { shown.textContent = zone; }
    }
  }

  document.querySelectorAll("[data-countdown]").forEach(function (el) {
    var end = new Date(el.getAttribute("data-countdown"));
    if (isNaN(end)) { return; }
    var tick = function () {
      var left = Math.max(0, Math.round((end.getTime() - Date.now()) / 1000));
      var minutes = Math.floor(left / 60), secs = left % 60;
      el.textContent = left > 0 ? minutes + ":" + (secs < 10 ? "0" : "") + secs + " left" : "time is up";
      if (left > 0) { setTimeout(tick, 1000); }
    };
    tick();
  });
})();

// Adds the viewer's own local time beside each date when their time zone
// differs from the event's. The page is complete without it. Hours are
// written on the 24-hour clock, as the server writes the event's own, so a
// page never mixes "18:00" with "6:00 PM".
(function () {
  "use strict";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  document.querySelectorAll("time[data-local-end]").forEach(function (el) {
    var start = new Date(el.getAttribute("datetime"));
    var end = new Date(el.getAttribute("data-local-end"));
    if (isNaN(start) || !zone || zone === el.getAttribute("data-zone")) { return; }
    var day = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short" });
    var hm = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" });
    var note = document.createElement("span");
    note.className = "local-time";
    note.textContent = " (your time: " + day.format(start) + ", " + hm.format(start) + " – " + hm.format(end) + ")";
    el.insertAdjacentElement("afterend", note);
  });
})();

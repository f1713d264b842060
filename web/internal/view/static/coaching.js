// Shows the slot picker in the visitor's own time zone: on a first visit
// (no ?tz= in the address) it reloads the page with the browser's zone.
// Without script the page shows the coach's zone and a menu to change it.
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.search);
  if (params.has("tz")) { return; }
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) { return; }
  params.set("tz", zone);
  window.location.replace(window.location.pathname + "?" + params.toString() + window.location.hash);
})();

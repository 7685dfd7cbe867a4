// The restore planner's time field is in the browser's time zone: this puts the zone's IANA name
// (Europe/Berlin) in the form's hidden field, where the server makes the local time one UTC
// instant by that zone's rules. The console's CSP allows scripts from the console only, so this
// is a resource, not an inline script. Without it the field stays blank and the time is UTC.
(function () {
  "use strict";
  var zone = document.getElementById("planner:zone");
  var note = document.getElementById("time-zone-note");
  var name = "";
  try {
    name = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    name = "";
  }
  if (zone && name) {
    zone.value = name;
    if (note) {
      note.textContent = "Taken in your browser's time zone, " + name + "; the plan shows the UTC instant.";
    }
  }
})();

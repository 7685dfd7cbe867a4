/*
 * Live refresh of a console page, without reloading it: every few seconds, while the tab is
 * shown, a Faces Ajax post of the page's refresh form (#live) re-renders the parts named in its
 * data-live-render attribute. A file of its own because the console's Content-Security-Policy
 * allows no inline script. Without script, the form's "Refresh now" button reloads the page.
 */
(function () {
  "use strict";
  var EVERY_MS = 5000;
  var form = document.getElementById("live");
  if (!form || typeof faces === "undefined" || !faces.ajax) {
    return;
  }
  var button = document.getElementById("live:refresh");
  var render = form.getAttribute("data-live-render");
  var busy = false;

  function refresh() {
    if (busy || document.hidden) {
      return;
    }
    busy = true;
    faces.ajax.request(button, null, {
      execute: "@none",
      render: render,
      onevent: function (data) {
        if (data.status === "success") {
          busy = false;
          document.body.setAttribute("data-live-refreshed", String(Date.now()));
        }
      },
      onerror: function () {
        busy = false;
      }
    });
  }

  // the button refreshes in place too, instead of reloading the page
  button.addEventListener("click", function (event) {
    event.preventDefault();
    refresh();
  });
  setInterval(refresh, EVERY_MS);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      refresh();
    }
  });
}());

/*
 * Live refresh of a console page, without reloading it. Every few seconds, while the tab is shown,
 * a Faces Ajax post of the page's refresh form (#live) re-renders only its fingerprint
 * (#live-fingerprint: a digest of the states the page shows); when that changed, a second post
 * re-renders the parts named in the form's data-live-render attribute. So a page whose states did
 * not change is left alone, and nothing moves under a reader. A file of its own because the
 * console's Content-Security-Policy allows no inline script; without script, the form's
 * "Refresh now" button reloads the page.
 */
(function () {
  "use strict";
  var EVERY_MS = 5000;
  var form = document.getElementById("live");
  var button = document.getElementById("live:refresh");
  if (!form || !button || typeof faces === "undefined" || !faces.ajax) {
    return;
  }
  var parts = form.getAttribute("data-live-render");
  var busy = false;

  function fingerprint() {
    var f = document.getElementById("live-fingerprint");
    return f ? f.textContent : "";
  }

  function post(render, then) {
    busy = true;
    faces.ajax.request(button, null, {
      execute: "@none",
      render: render,
      onevent: function (data) {
        if (data.status === "success") {
          busy = false;
          then();
        }
      },
      onerror: function () {
        busy = false;
      }
    });
  }

  function renderParts() {
    post(parts + " live-fingerprint", function () {
      document.documentElement.setAttribute("data-live-refreshed", String(Date.now()));
    });
  }

  function refresh() {
    if (busy || document.hidden) {
      return;
    }
    var before = fingerprint();
    post("live-fingerprint", function () {
      if (fingerprint() !== before) {
        renderParts();
      }
    });
  }

  // the button refreshes in place too, instead of reloading the page
  button.addEventListener("click", function (event) {
    event.preventDefault();
    if (!busy) {
      renderParts();
    }
  });
  setInterval(refresh, EVERY_MS);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      refresh();
    }
  });
}());

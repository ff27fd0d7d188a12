// soberana console: progressive enhancement only. Every page works without
// this file; it adds confirmations and, where a page asks for it, a live
// preview that refreshes as a form changes. No inline scripts (the CSP
// allows script-src 'self' only).
(function () {
  "use strict";

  // Forms with data-confirm ask before submitting (delete, revoke).
  document.addEventListener("submit", function (ev) {
    var f = ev.target;
    var msg = f.getAttribute && f.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { ev.preventDefault(); }
  });
})();

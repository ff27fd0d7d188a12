// soberana console: progressive enhancement only. Every page works without
// this file; it adds confirmations and the live placement preview. No
// inline scripts (the CSP allows script-src 'self' only).
(function () {
  "use strict";

  // Forms with data-confirm ask before submitting (delete, revoke).
  document.addEventListener("submit", function (ev) {
    var f = ev.target;
    var msg = f.getAttribute && f.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { ev.preventDefault(); }
  });

  // Live placement preview: the request form names its preview endpoint in
  // data-preview; on every change we post the form there and put the
  // returned fragment into the polite live region #preview.
  var form = document.getElementById("request-form");
  var region = document.getElementById("preview");
  if (!form || !region || !form.getAttribute("data-preview")) { return; }
  var url = form.getAttribute("data-preview");
  var timer = null, seq = 0;
  function refresh() {
    var mine = ++seq;
    region.setAttribute("aria-busy", "true");
    var body = new URLSearchParams(new FormData(form));
    fetch(url, { method: "POST", body: body, credentials: "same-origin",
                 headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        if (mine !== seq) { return; }
        region.innerHTML = html;
        region.setAttribute("data-updated", String(mine));
      })
      .catch(function () { /* keep the last preview; the button still works */ })
      .then(function () { if (mine === seq) { region.removeAttribute("aria-busy"); } });
  }
  function schedule() { clearTimeout(timer); timer = setTimeout(refresh, 350); }
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  refresh();
})();

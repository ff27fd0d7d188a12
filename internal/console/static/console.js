// soberana console: progressive enhancement only. Every page works without
// this file; it adds confirmations and the live placement preview. No
// inline scripts (the CSP allows script-src 'self' only).
(function () {
  "use strict";

  // Instants come from the server in UTC; show them in the reader's own
  // time zone, in the page's language (the datetime attribute keeps UTC).
  var fmt = null;
  try {
    fmt = new Intl.DateTimeFormat(document.documentElement.lang || undefined,
      { dateStyle: "medium", timeStyle: "short" });
  } catch (e) { fmt = null; }
  function localTimes(root) {
    if (!fmt) { return; }
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    root.querySelectorAll("time[data-local][datetime]").forEach(function (el) {
      var d = new Date(el.getAttribute("datetime"));
      if (isNaN(d.getTime())) { return; }
      if (!el.title) { el.title = el.textContent; }
      el.textContent = fmt.format(d);
      el.setAttribute("data-zone", zone);
    });
  }
  localTimes(document);

  // Forms with data-confirm ask before submitting (delete, revoke).
  document.addEventListener("submit", function (ev) {
    var f = ev.target;
    var msg = f.getAttribute && f.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { ev.preventDefault(); }
  });

  // A form marked data-autosubmit (the end of single sign-on) submits
  // itself; without scripts its button does the same.
  var auto = document.querySelector("form[data-autosubmit]");
  if (auto) { auto.submit(); }

  // A region marked data-refresh="N" (a workload on its way to a state)
  // is fetched again every N seconds and swapped in place; the state is
  // announced through a polite live region. It stops once the server
  // stops marking it.
  var live = document.getElementById("live");
  if (live && live.getAttribute("data-refresh")) {
    var every = Math.max(2, parseInt(live.getAttribute("data-refresh"), 10)) * 1000;
    var tick = function () {
      fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.getElementById("live");
          if (!fresh) { return; }
          live.innerHTML = fresh.innerHTML;
          localTimes(live);
          var said = document.getElementById("live-state"), now = doc.getElementById("live-state");
          if (said && now && said.textContent !== now.textContent) { said.textContent = now.textContent; }
          if (fresh.getAttribute("data-refresh")) { setTimeout(tick, every); }
          else { live.removeAttribute("data-refresh"); }
        })
        .catch(function () { setTimeout(tick, every * 2); });
    };
    setTimeout(tick, every);
  }

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

"""Static parts of the report page: the style sheet and two tiny inline scripts.

Place in the flow: `report/html.py` puts `CSS` and `ERROR_PROBE` in the page head (the probe
before plotly.js, so it sees every error) and `FIGURE_CHECK` at the end of the body. No
external resource of any kind: the page must open offline, e.g. from an e-mail attachment.
"""

from __future__ import annotations

CSS = """
:root{--ink:#1d2733;--muted:#5f6b7a;--brand:#1f4e79;--line:#e3e7ec;--good:#e2efda}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;
 color:var(--ink);background:#f5f7f9;line-height:1.45}
header{background:var(--brand);color:#fff;padding:20px 32px 0}
header .kicker{font-size:.8em;letter-spacing:.06em;text-transform:uppercase;opacity:.8}
header h1{margin:4px 0 6px;font-size:1.75em;font-weight:650;overflow-wrap:anywhere}
header .desc{margin:0 0 10px;max-width:70em;opacity:.92}
nav{display:flex;flex-wrap:wrap;gap:2px 18px;padding:8px 0 10px;font-size:.9em}
nav a{color:#fff;opacity:.85;text-decoration:none;border-bottom:2px solid transparent}
nav a:hover{opacity:1;border-bottom-color:#fff}
main{max-width:1240px;margin:0 auto;padding:6px 28px 30px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 22px;
 margin:18px 0}
h2{font-size:1.2em;margin:4px 0 10px;color:var(--brand)}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9em;font-variant-numeric:tabular-nums}
th,td{padding:6px 10px;border-bottom:1px solid #eef0f3;text-align:right;white-space:nowrap}
thead th{border-bottom:2px solid var(--line);color:var(--muted);font-weight:600}
th:first-child,td:first-child{text-align:left}
tbody th{font-weight:500;vertical-align:top}
td.best{background:var(--good);font-weight:650}
td.name{text-align:left}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 18px;margin:0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0;overflow-wrap:anywhere}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(250px,1fr));gap:14px}
.card{border:1px solid var(--line);border-left:5px solid var(--brand);border-radius:6px;
 padding:10px 14px}
.card .q{color:var(--muted);font-size:.85em;text-transform:uppercase;letter-spacing:.05em}
.card .a{font-size:1.35em;font-weight:650;margin:2px 0 4px;overflow-wrap:anywhere}
.card p{margin:4px 0;font-size:.92em}
.sure{color:#2f6b1f;font-weight:600}
.unsure{color:#9c5700;font-weight:600}
.note{color:var(--muted);font-size:.85em;margin:6px 0 2px}
.warning{background:#fde9e7;border:1px solid #e8a39b;color:#8a1c10;padding:10px 14px;
 border-radius:6px}
footer{max-width:1240px;margin:0 auto;padding:0 28px 30px;color:var(--muted);font-size:.8em}
@media print{body{background:#fff}nav{display:none}section{break-inside:avoid;border:0}}
"""

ERROR_PROBE = """
window.fcsimErrors = [];
window.fcsimRecord = function (message) {
  window.fcsimErrors.push(String(message));
  document.documentElement.setAttribute("data-script-errors", window.fcsimErrors.length);
};
window.addEventListener("error", function (e) {
  var what = e.message || ("failed to load " + (e.target && e.target.tagName));
  window.fcsimRecord(what);
}, true);
window.addEventListener("unhandledrejection", function (e) {
  window.fcsimRecord("unhandled rejection: " + e.reason);
});
"""

FIGURE_CHECK = """
window.addEventListener("load", function () {
  var figures = document.querySelectorAll(".plotly-graph-div"), drawn = 0;
  for (var i = 0; i < figures.length; i++) {
    if (figures[i].querySelector(".main-svg")) { drawn++; }
  }
  var root = document.documentElement, errors = window.fcsimErrors || [];
  root.setAttribute("data-figures", figures.length);
  root.setAttribute("data-figures-drawn", drawn);
  root.setAttribute("data-script-errors", errors.length);
  if (drawn < figures.length || errors.length) {
    var w = document.getElementById("render-warning");
    w.textContent = (drawn < figures.length ?
      (figures.length - drawn) + " of " + figures.length +
      " figures could not be drawn in this browser" :
      "A script failed on this page; some figures may be incomplete") +
      (errors.length ? " (" + errors.join("; ") + ")" : "") + ".";
    w.hidden = false;
  }
});
"""

// Candor console: live numbers on the send progress view and countdowns
// on the statement page. Plain JavaScript, no dependencies; every page works
// without it (a refresh link, the server's own countdown text).
(function () {
  "use strict";

  // Send progress: poll the page's data-src every 2 s until the send is
  // completed or cancelled, and update the numbers and the actions.
  var box = document.getElementById("progress");
  if (box && box.dataset.src) {
    var live = document.querySelector(".js-only");
    if (live) live.hidden = false;
    var show = function (p) {
      box.querySelectorAll("[data-field]").forEach(function (el) {
        var k = el.dataset.field, v = p[k];
        if (k === "percent") { el.value = v; el.textContent = v + "%"; return; }
        if (k === "failures") {
          el.textContent = "";
          (v || []).forEach(function (f) {
            var tr = document.createElement("tr");
            [f.status, f.reason, String(f.count)].forEach(function (s, i) {
              var td = document.createElement("td");
              td.textContent = s;
              if (i === 2) td.className = "num";
              tr.appendChild(td);
            });
            el.appendChild(tr);
          });
          var empty = box.querySelector('[data-empty="failures"]');
          if (empty) empty.hidden = (v || []).length > 0;
          return;
        }
        if (k === "finished") { el.textContent = v ? "· " + el.dataset.label + " " + v : ""; return; }
        if (v !== undefined && v !== null) el.textContent = String(v);
      });
      box.dataset.state = p.state;
      box.dataset.final = String(p.final);
      document.querySelectorAll("form[data-states]").forEach(function (f) {
        f.hidden = f.dataset.states.split(" ").indexOf(p.state) < 0;
      });
    };
    var poll = function () {
      fetch(box.dataset.src, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (p) { show(p); if (!p.final) setTimeout(poll, 2000); })
        .catch(function () { setTimeout(poll, 2000); });
    };
    if (box.dataset.final !== "true") setTimeout(poll, 2000);
  }

  // Countdowns: an element with data-until (RFC 3339) counts down to it.
  var clocks = document.querySelectorAll("[data-until]");
  if (clocks.length) {
    var ja = document.documentElement.lang === "ja";
    var fmt = function (ms) {
      if (ms <= 0) return ja ? "公開時刻になりました" : "due now";
      var s = Math.floor(ms / 1000), d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600),
        m = Math.floor(s % 3600 / 60), r = s % 60;
      return ja ? "あと" + (d ? d + "日" : "") + h + "時間" + m + "分" + r + "秒"
        : "in " + (d ? d + " d " : "") + h + " h " + m + " min " + r + " s";
    };
    var tick = function () {
      clocks.forEach(function (el) { el.textContent = fmt(Date.parse(el.dataset.until) - Date.now()); });
    };
    tick();
    setInterval(tick, 1000);
  }
})();

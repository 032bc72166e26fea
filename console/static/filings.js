// Candor console: copy buttons on the filing packs, for pasting each field
// into the regulator's web form. Plain JavaScript, no dependencies; without
// it the values are plain text that can be selected and copied by hand.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (btn) {
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var src = document.getElementById(btn.dataset.copy);
      if (!src) return;
      var text = src.textContent;
      var done = function () {
        var label = btn.textContent;
        btn.textContent = btn.dataset.copied || "Copied";
        btn.setAttribute("aria-live", "polite");
        setTimeout(function () { btn.textContent = label; }, 1500);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { select(src); });
      } else {
        select(src);
      }
    });
  });
  // Where the clipboard is refused (no secure context), select the value so
  // that Ctrl-C copies it.
  function select(el) {
    var r = document.createRange();
    r.selectNodeContents(el);
    var s = window.getSelection();
    s.removeAllRanges();
    s.addRange(r);
  }
})();

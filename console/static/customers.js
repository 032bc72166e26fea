// Candor console: the customer import with a live progress bar.
//
// Progressive enhancement of #import-form: without this file the form
// posts as multipart/form-data and the result is the next page. With it,
// the file goes up with XMLHttpRequest, whose upload events drive the
// <progress> bar (the server reads, checks and stores the rows as the bytes
// arrive, so the bytes sent are the rows read), and the server's result
// section (#import-result of the page it answers) replaces this page's.
// The words come from the form's data- attributes, in the person's
// language. No inline script, no eval, no other origin (CSP script-src
// 'self').
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  if (!form || !window.XMLHttpRequest || !window.FormData || !window.DOMParser) {
    return;
  }
  var box = document.getElementById("import-progress-box");
  var bar = document.getElementById("import-progress");
  var status = document.getElementById("import-status");
  var result = document.getElementById("import-result");
  var button = form.querySelector("button[type=submit]");

  function show(percent, text) {
    bar.value = percent;
    bar.textContent = percent + "%";
    status.textContent = text;
  }

  function replaceResult(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById("import-result");
    while (result.firstChild) {
      result.removeChild(result.firstChild);
    }
    if (!fresh) {
      return false;
    }
    Array.prototype.forEach.call(fresh.childNodes, function (n) {
      result.appendChild(document.importNode(n, true));
    });
    return true;
  }

  form.addEventListener("submit", function (ev) {
    var file = form.querySelector("input[type=file]");
    if (!file.files || file.files.length === 0) {
      return; // the browser's own required check, or the server's message
    }
    ev.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable && e.total > 0) {
        var p = Math.min(100, Math.floor((e.loaded * 100) / e.total));
        show(p, form.dataset.sent.replace("%d%%", p + "%").replace("%d", String(p)));
      }
    });
    xhr.upload.addEventListener("load", function () {
      show(100, form.dataset.processing);
    });
    xhr.addEventListener("load", function () {
      var ok = replaceResult(xhr.responseText);
      show(100, ok ? form.dataset.done : form.dataset.failed);
      form.dataset.state = "done";
      button.disabled = false;
    });
    xhr.addEventListener("error", function () {
      show(bar.value, form.dataset.failed);
      form.dataset.state = "failed";
      button.disabled = false;
    });
    box.hidden = false;
    button.disabled = true;
    form.dataset.state = "uploading";
    show(0, form.dataset.sent.replace("%d%%", "0%").replace("%d", "0"));
    xhr.send(new FormData(form)); // csrf first, then the file: the order of the form
  });
})();

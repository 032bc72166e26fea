// Candor console, draft editor: re-render the preview beside the editor
// when typing pauses, by submitting the editor form to the preview frame
// (what the "Preview" button does without this script). Plain JavaScript,
// no dependencies; nothing is saved by it.
(function () {
  "use strict";
  var form = document.getElementById("draft-form");
  var button = document.getElementById("draft-preview-button");
  if (!form || !button) {
    return;
  }
  var timer = null;
  function preview() {
    timer = null;
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit(button);
    } else {
      button.click();
    }
  }
  function later() {
    if (timer !== null) {
      clearTimeout(timer);
    }
    timer = setTimeout(preview, 700);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();

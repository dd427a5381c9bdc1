// Supplier portal forms: Ctrl+Enter posts the form the cursor is in (keyboard first, like goods-in).
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) { return; }
    var form = event.target && event.target.closest ? event.target.closest("form[data-ctrl-enter]") : null;
    if (!form) { return; }
    event.preventDefault();
    form.requestSubmit();
  });
})();

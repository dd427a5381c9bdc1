// Small behaviours shared by every screen. No inline scripts anywhere (CSP).
(function () {
  "use strict";
  // Scanner fields: select the content on focus so the next scan replaces it.
  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (el && el.hasAttribute && el.hasAttribute("data-select-on-focus")) { el.select(); }
  });
  // After an HTMX swap, put the cursor back in the scan field.
  document.addEventListener("htmx:afterSwap", function () {
    var scan = document.querySelector("[data-select-on-focus]");
    if (scan) { scan.focus(); scan.select(); }
  });
  // Forms marked data-ctrl-enter post on Ctrl+Enter (Cmd+Enter) from any field.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) { return; }
    var form = event.target && event.target.closest ? event.target.closest("form[data-ctrl-enter]") : null;
    if (form) { event.preventDefault(); form.requestSubmit(); }
  });
})();

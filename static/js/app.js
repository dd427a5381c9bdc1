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
})();

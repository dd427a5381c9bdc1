// Blind count entry: scan a part and press Enter to jump to its quantity;
// Enter in a quantity goes back to the scan field. No inline scripts (CSP).
(function () {
  "use strict";
  function normalize(value) {
    return (value || "").replace(/[\s\-./_]+/g, "").toUpperCase();
  }
  function ready() {
    var scan = document.querySelector("[data-count-scan]");
    var form = document.getElementById("count-form");
    var message = document.getElementById("scan-msg");
    if (!scan || !form) { return; }
    scan.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      event.preventDefault();
      var code = window.parseScan ? window.parseScan(scan.value) : { kind: "part", number: scan.value };
      if (!code) { return; }
      if (code.kind === "bin") {
        // A bin label jumps to that bin's lines on this list.
        var link = document.querySelector('a[data-bin-code="' + CSS.escape(code.bin) + '"]');
        if (link && code.warehouse === scan.dataset.warehouse) {
          window.location.href = link.href;
        } else {
          message.textContent = scan.dataset.msgNoBin + " " + code.warehouse + ":" + code.bin;
        }
        scan.value = "";
        return;
      }
      var key = normalize(code.kind === "part" ? code.number : "");
      if (!key) { scan.value = ""; return; }
      var input = form.querySelector('input[data-part="' + key + '"]');
      if (input) {
        message.textContent = "";
        input.focus();
        input.select();
        var row = input.closest("tr");
        if (row && row.scrollIntoView) { row.scrollIntoView({ block: "center" }); }
      } else if (document.querySelector('tr[data-part-row="' + key + '"]')) {
        message.textContent = scan.dataset.msgCounted.replace("{number}", scan.value);
      } else {
        message.textContent = scan.dataset.msgNotListed.replace("{number}", scan.value);
      }
      scan.value = "";
    });
    form.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.key === "Enter" && target && target.hasAttribute("data-part")) {
        event.preventDefault();
        scan.focus();
        scan.select();
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();

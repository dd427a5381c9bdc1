// Receiving screen: scan a part number + Enter to jump to its line; keyboard only; posts once.
(function () {
  "use strict";
  var scan = document.getElementById("scan");
  var form = document.getElementById("receipt-form");
  if (!scan || !form) { return; }
  var message = document.getElementById("scan-msg");
  var button = document.getElementById("post");

  function normalise(text) { return text.replace(/[\s\-./_]+/g, "").toUpperCase(); }

  function say(text, kind) {
    message.textContent = text;
    message.className = text ? "msg " + kind : "";
  }

  scan.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") { return; }
    event.preventDefault();
    if (event.ctrlKey || event.metaKey) { form.requestSubmit(); return; }
    var code = window.parseScan ? window.parseScan(scan.value) : { kind: "part", number: scan.value };
    if (!code) { return; }
    if (code.kind === "transfer") {
      // A delivery note: the stock lookup opens its transfer, where it is received.
      window.location.href = scan.dataset.lookupUrl + "?number=" + encodeURIComponent(scan.value.trim());
      return;
    }
    if (code.kind === "bin") {
      var current = form.querySelector("tr.current input.bin");
      if (code.warehouse !== scan.dataset.warehouse) {
        say(scan.dataset.msgOtherWarehouse + " " + code.warehouse, "error");
      } else if (!current) {
        say(scan.dataset.msgPartFirst, "error");
      } else {
        current.value = code.bin;
        say("", "");
      }
      scan.select();
      return;
    }
    var key = normalise(code.number);
    if (!key) { return; }
    var row = form.querySelector('tr[data-part="' + CSS.escape(key) + '"]');
    if (!row) {
      // The text comes translated from the template; {number} stands for what was scanned.
      say(scan.dataset.msgNotOnOrder.replace("{number}", scan.value), "error");
      scan.select();
      return;
    }
    say("", "");
    form.querySelectorAll("tr.current").forEach(function (r) { r.classList.remove("current"); });
    row.classList.add("current");
    var qty = row.querySelector("input.qty");
    qty.focus();
    qty.select();
  });

  // Enter in a line field goes back to the scan field (never an accidental post);
  // Ctrl+Enter posts from anywhere in the form.
  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.target.tagName !== "INPUT") { return; }
    event.preventDefault();
    if (event.ctrlKey || event.metaKey) { form.requestSubmit(); return; }
    scan.focus();
    scan.select();
  });

  // A double click or a second Enter does not post twice (the server also
  // holds an idempotency key from the form).
  form.addEventListener("submit", function (event) {
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    button.disabled = true;
    button.textContent = scan.dataset.msgPosting;
  });
})();

// What a scanner sent: a part label (plain number), a bin label (BIN:WH:CODE) or a
// delivery note (TRF:NUMBER). Mirrors inventory/scan_codes.py; a browser test keeps the two equal.
(function () {
  "use strict";
  window.parseScan = function (text) {
    var value = (text || "").trim();
    if (!value) { return null; }
    var head = value.slice(0, 4).toUpperCase();
    var rest = value.slice(4);
    if (head === "BIN:") {
      var colon = rest.indexOf(":");
      if (colon > -1) {
        var warehouse = rest.slice(0, colon).trim();
        var bin = rest.slice(colon + 1).trim();
        if (warehouse && bin) { return { kind: "bin", warehouse: warehouse, bin: bin }; }
      }
    } else if (head === "TRF:" && rest.trim()) {
      return { kind: "transfer", number: rest.trim() };
    }
    return { kind: "part", number: value };
  };
})();

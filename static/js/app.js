// Small behaviours shared by every screen. No inline scripts anywhere (CSP).
(function () {
  "use strict";
  var narrow = window.matchMedia ? window.matchMedia("(max-width: 820px)") : { matches: false };

  function typing(el) {
    if (!el) { return false; }
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  // Wide tables scroll inside their own box: the page itself never scrolls sideways.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table.grid").forEach(function (table) {
      if (table.parentElement && table.parentElement.classList.contains("table-scroll")) { return; }
      var box = document.createElement("div");
      box.className = "table-scroll";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
  });

  // The menu: open on a desk, behind a "Menu" button on a phone. One group open at a time.
  document.addEventListener("DOMContentLoaded", function () {
    var menu = document.querySelector("[data-menu]");
    if (menu && narrow.matches) { menu.removeAttribute("open"); }
  });
  document.addEventListener("toggle", function (event) {
    var el = event.target;
    if (!el.hasAttribute || !el.hasAttribute("data-menu-group") || !el.open) { return; }
    document.querySelectorAll("[data-menu-group][open]").forEach(function (other) {
      if (other !== el) { other.removeAttribute("open"); }
    });
  }, true);
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-menu-group]")) { return; }
    document.querySelectorAll("[data-menu-group][open]").forEach(function (group) { group.removeAttribute("open"); });
  });

  // Scanner fields: select the content on focus so the next scan replaces it.
  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (el && el.hasAttribute && el.hasAttribute("data-select-on-focus")) { el.select(); }
  });
  // After an HTMX swap, put the cursor back in the scan field.
  // (Not while someone is typing in it: search as you type must not select what was typed.)
  document.addEventListener("htmx:afterSwap", function () {
    var scan = document.querySelector("[data-select-on-focus]");
    if (scan && document.activeElement !== scan) { scan.focus(); scan.select(); }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    // Ctrl+Enter (Cmd+Enter) posts or saves the form the cursor is in, on every entry screen.
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      // target.form also finds the form of an input that sits outside it (form="...").
      var form = target ? (target.form || (target.closest ? target.closest("form") : null)) : null;
      if (form && (form.hasAttribute("data-ctrl-enter") || (form.method || "").toLowerCase() === "post")) {
        event.preventDefault();
        form.requestSubmit();
      }
      return;
    }
    if (event.key === "Escape") {
      document.querySelectorAll("[data-menu-group][open]").forEach(function (group) { group.removeAttribute("open"); });
      return;
    }
    if (typing(target) || event.ctrlKey || event.metaKey || event.altKey) { return; }
    // "/" goes to the page's search or scan field.
    if (event.key === "/") {
      var field = document.querySelector(
        "main input[type=search], main input[data-select-on-focus], main input[name=q], main input[name=number], main input[name=part]"
      );
      if (field) { event.preventDefault(); field.focus(); if (field.select) { field.select(); } }
      return;
    }
    // "?" shows the shortcuts.
    if (event.key === "?") {
      var dialog = document.getElementById("shortcuts");
      if (dialog && dialog.showModal && !dialog.open) { event.preventDefault(); dialog.showModal(); }
    }
  });

  // Work that takes a while (checking a large file): show the form's progress note and post once.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-busy")) { return; }
    if (form.dataset.busySent) { event.preventDefault(); return; }
    form.dataset.busySent = "1";
    var note = form.querySelector("[data-busy-note]");
    if (note) { note.hidden = false; }
    form.querySelectorAll("button[type=submit]").forEach(function (button) { button.setAttribute("aria-disabled", "true"); });
  });
})();

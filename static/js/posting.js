// Posting screens (returns, reservations, counter postings): keyboard first.
// Enter in a field moves to the next field (a scanner's Enter never posts by accident);
// Ctrl+Enter posts from anywhere in the form; a second submit is ignored.
(function () {
  "use strict";
  document.querySelectorAll("form[data-posting]").forEach(function (form) {
    var fields = function () {
      return Array.prototype.filter.call(form.elements, function (el) {
        return !el.disabled && el.type !== "hidden" && el.tagName !== "BUTTON" && el.tabIndex >= 0;
      });
    };
    form.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.target.tagName === "TEXTAREA" || event.target.tagName === "BUTTON") { return; }
      event.preventDefault();
      if (event.ctrlKey || event.metaKey) { form.requestSubmit(); return; }
      var list = fields();
      var next = list[list.indexOf(event.target) + 1];
      if (next) { next.focus(); if (next.select) { next.select(); } }
    });
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
    });
  });
})();

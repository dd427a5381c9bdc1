// Workshop request screen: add lines, keep Enter in a part-number field from submitting. No inline scripts.
(function () {
  "use strict";
  function nextIndex(body) {
    var max = -1;
    body.querySelectorAll("tr.request-line").forEach(function (row) {
      var i = parseInt(row.getAttribute("data-line"), 10);
      if (!isNaN(i) && i > max) { max = i; }
    });
    return max + 1;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-add-line]");
    if (!button) { return; }
    var template = document.getElementById("line-template");
    var body = document.querySelector("#request-lines tbody");
    if (!template || !body) { return; }
    var index = String(nextIndex(body));
    var row = template.content.firstElementChild.cloneNode(true);
    row.setAttribute("data-line", index);
    var cancel = row.querySelector("input[name=cancel]");
    if (cancel) { cancel.value = index; }
    body.appendChild(row);
    if (window.htmx) { window.htmx.process(row); }
    var number = row.querySelector("[data-number]");
    if (number) { number.focus(); }
  });
  // A scanner ends with Enter: look the number up and go to the quantity instead of submitting.
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key !== "Enter" || !el || !el.hasAttribute || !el.hasAttribute("data-number")) { return; }
    event.preventDefault();
    el.dispatchEvent(new Event("change", { bubbles: true }));
    var row = el.closest("tr");
    var quantity = row && row.querySelector("input[name=quantity]");
    if (quantity) { quantity.focus(); quantity.select(); }
  });
})();

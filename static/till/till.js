// Till screens: a little plain JavaScript on top of pages that work without it.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to an error summary or a result so keyboard and screen-reader users land on it.
    var focusTarget = document.querySelector("[data-focus]");
    if (focusTarget) { focusTarget.focus(); }

    // A busy counter double-taps: the second submit of a form that is already on its way is dropped.
    document.querySelectorAll("form[method=post]").forEach(function (f) {
      f.addEventListener("submit", function (event) {
        if (f.dataset.sent === "1") { event.preventDefault(); return; }
        f.dataset.sent = "1";
        window.setTimeout(function () { f.dataset.sent = ""; }, 5000);
      });
    });

    var form = document.getElementById("bill-form");
    if (!form) { return; }
    var rows = document.getElementById("line-rows");
    var addButton = form.querySelector("[data-add-line]");
    if (addButton && rows) {
      addButton.addEventListener("click", function () {
        var last = rows.lastElementChild;
        if (!last) { return; }
        var copy = last.cloneNode(true);
        var n = rows.children.length + 1;
        copy.querySelectorAll("input").forEach(function (input) {
          input.value = "";
          input.removeAttribute("autofocus");
          var label = input.getAttribute("aria-label") || "";
          input.setAttribute("aria-label", label.replace(/\d+$/, String(n)));
        });
        rows.appendChild(copy);
        copy.querySelector("input").focus();
      });
    }
    // Running total of the lines (qty x price), so the cashier can check it against the POS before confirming.
    var totalOut = document.getElementById("lines-total");
    function updateTotal() {
      if (!totalOut || !rows) { return; }
      var total = 0;
      Array.prototype.forEach.call(rows.children, function (row) {
        var qty = parseFloat((row.querySelector("input[name=qty]") || {}).value || "1");
        var rate = parseFloat((row.querySelector("input[name=rate]") || {}).value || "0");
        if (!isNaN(qty) && !isNaN(rate)) { total += qty * rate; }
      });
      totalOut.textContent = total.toFixed(2);
    }
    form.addEventListener("input", updateTotal);
    updateTotal();
    // SKU lookup: leaving an item code fills description and price from the product master (when known).
    var skuUrl = form.getAttribute("data-sku-url");
    form.addEventListener("change", function (event) {
      var input = event.target;
      if (!input.hasAttribute("data-sku") || !input.value.trim()) { return; }
      var row = input.closest("tr");
      fetch(skuUrl + "?code=" + encodeURIComponent(input.value.trim()), {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (product) {
          if (!product || !product.found) { return; }
          var description = row.querySelector("input[name=description]");
          var rate = row.querySelector("input[name=rate]");
          if (description && !description.value) { description.value = product.description; }
          if (rate && !rate.value && product.price) { rate.value = product.price; updateTotal(); }
        })
        .catch(function () { /* offline or slow: the cashier types the price */ });
    });
  });
})();

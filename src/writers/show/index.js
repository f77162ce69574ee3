(function () {
  "use strict";
  // Sorting a table by a clicked column: numbers by value, text by text.
  document.querySelectorAll("table.index thead th").forEach(function (th, col) {
    th.addEventListener("click", function () {
      var body = th.closest("table").tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var asc = th.getAttribute("data-order") !== "asc";
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute("data-sort"), y = b.cells[col].getAttribute("data-sort");
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, "zh");
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
      th.setAttribute("data-order", asc ? "asc" : "desc");
    });
  });
  // The filter: the reports whose line holds every word typed.
  var input = document.getElementById("filter");
  var list = document.getElementById("report-list");
  if (!input || !list) { return; }
  var shown = document.getElementById("shown");
  var rows = Array.prototype.slice.call(list.tBodies[0].rows);
  function filter() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var n = 0;
    rows.forEach(function (r) {
      var text = r.textContent.toLowerCase();
      var keep = words.every(function (w) { return text.indexOf(w) >= 0; });
      r.hidden = !keep;
      if (keep) { n += 1; }
    });
    shown.textContent = words.length ? "显示 " + n + " / " + rows.length + " 份" : "";
  }
  input.addEventListener("input", filter);
  input.addEventListener("change", filter);
  input.closest("p").hidden = false;
  filter();
})();

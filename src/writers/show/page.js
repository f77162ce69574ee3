(function () {
  "use strict";
  var aside = document.getElementById("sources");
  if (!aside) { return; }
  var shown = null, current = null;
  function show(td) {
    var panel = document.getElementById("src-" + td.getAttribute("data-cell"));
    if (!panel) { return; }
    if (shown) { shown.hidden = true; }
    if (current) { current.classList.remove("current"); }
    panel.hidden = false;
    shown = panel;
    current = td;
    td.classList.add("current");
    aside.classList.add("open");
  }
  function close() {
    aside.classList.remove("open");
    if (shown) { shown.hidden = true; shown = null; }
    if (current) { current.classList.remove("current"); current = null; }
  }
  function cellOf(node) {
    return node && node.closest ? node.closest("td[data-cell]") : null;
  }
  document.addEventListener("click", function (e) {
    var td = cellOf(e.target);
    if (td) { e.preventDefault(); show(td); return; }
    var link = e.target.closest && e.target.closest("a[data-cell-link]");
    if (link) {
      td = document.getElementById(link.getAttribute("data-cell-link"));
      if (td) { show(td); }
    }
  });
  document.addEventListener("focusin", function (e) {
    var td = cellOf(e.target);
    if (td) { show(td); }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { close(); }
  });
  aside.querySelector("a.close").addEventListener("click", function (e) {
    e.preventDefault();
    close();
  });
})();

// On a phone a table becomes a list of cards: each cell is labelled with its column's header, which
// the stylesheet shows beside the value below 640 px (static/css/tracker.css, "Phone").
(function () {
  "use strict";
  function label(table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.replace(/\s+/g, " ").trim();
    });
    if (!heads.length || table.classList.contains("keep-table")) return;
    table.classList.add("stackable");
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        if (heads[column] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", heads[column]);
        column += cell.colSpan || 1;
      });
    });
  }
  function run() {
    Array.prototype.forEach.call(document.querySelectorAll("main table"), label);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();

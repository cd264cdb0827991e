(function () {
  "use strict";
  // Sort the report's tables by a column: the cell's data-sort, or its text; numbers as numbers,
  // empty cells last, ties in the page's own order. Rows are moved, never rewritten.
  function key(cell) {
    var value = cell ? cell.getAttribute("data-sort") : "";
    if (value === null) { value = cell.textContent.replace(/\s+/g, " ").trim().toLowerCase(); }
    var number = Number(value);
    return {empty: value === "", number: value !== "" && !isNaN(number) ? number : null, text: value};
  }
  function compare(a, b) {
    if (a.number !== null && b.number !== null) { return a.number - b.number; }
    if (a.number !== null) { return -1; }
    if (b.number !== null) { return 1; }
    return a.text < b.text ? -1 : (a.text > b.text ? 1 : 0);
  }
  function sortable(table) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var headers = table.querySelectorAll("thead th");
    headers.forEach(function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        rows.map(function (row, i) { return {row: row, i: i, key: key(row.cells[column])}; })
          .sort(function (a, b) {
            if (a.key.empty !== b.key.empty) { return a.key.empty ? 1 : -1; }
            return (ascending ? compare(a.key, b.key) : compare(b.key, a.key)) || a.i - b.i;
          })
          .forEach(function (entry) { body.appendChild(entry.row); });
      });
    });
  }
  document.querySelectorAll("table.sortable").forEach(sortable);
})();

// On a phone the wide tables turn into one card per row (static/css/app.css): each cell is
// labelled with its column's heading, copied here so templates need no extra markup.
document.addEventListener("DOMContentLoaded", function () {
  // Tables marked .table-rows-on-phone lay their rows out as compact lines instead (app.css).
  document.querySelectorAll(".table-responsive > table:not(.table-rows-on-phone)").forEach(function (table) {
    var headings = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.innerText.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, index) {
        if (cell.colSpan === 1 && headings[index]) {
          cell.setAttribute("data-label", headings[index]);
        }
      });
    });
    table.classList.add("table-stacked");
  });
});

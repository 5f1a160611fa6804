/*
 * Tables on a phone: each row becomes a card, each cell named by its column's header.
 *
 * For every table of the page with a header row, each body cell gets its column's header text
 * as data-label (app.css shows it before the cell below 40rem) and the table the class
 * "stacks". Row headers (th scope="row") head their card and need no label; a cell spanning
 * several columns ("No clients yet.") gets none either. Rows under a rowspan are counted
 * right. Because CSS display changes can drop a table's meaning for screen readers, the table
 * keeps it through explicit ARIA roles.
 *
 * Without JavaScript nothing changes: a wide table scrolls inside itself (app.css), as before.
 * Tables that htmx swaps in are labelled when they settle.
 */
(function () {
  "use strict";

  var ROLES = { TABLE: "table", THEAD: "rowgroup", TBODY: "rowgroup", TFOOT: "rowgroup", TR: "row" };

  function headerLabels(table) {
    var row = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!row) return null;
    var labels = [];
    Array.prototype.forEach.call(row.cells, function (cell) {
      var text = cell.textContent.replace(/\s+/g, " ").trim();
      for (var i = 0; i < (cell.colSpan || 1); i++) labels.push(text);
    });
    return labels;
  }

  function label(table) {
    if (table.dataset.stackReady) return;
    var labels = headerLabels(table);
    if (!labels || labels.length < 2) return;
    table.dataset.stackReady = "1";
    table.classList.add("stacks");
    table.setAttribute("role", "table");
    Array.prototype.forEach.call(table.querySelectorAll("thead, tbody, tfoot, tr"), function (el) {
      if (el.closest("table") === table) el.setAttribute("role", ROLES[el.tagName]);
    });
    Array.prototype.forEach.call(table.tHead.querySelectorAll("th"), function (th) {
      th.setAttribute("role", "columnheader");
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      var spans = []; /* per column: how many more rows a rowspan above still covers */
      Array.prototype.forEach.call(body.rows, function (tr) {
        var column = 0;
        Array.prototype.forEach.call(tr.cells, function (cell) {
          while (spans[column] > 0) {
            spans[column] -= 1;
            column += 1;
          }
          var width = cell.colSpan || 1;
          var isRowHeader = cell.tagName === "TH";
          cell.setAttribute("role", isRowHeader ? "rowheader" : "cell");
          if (!isRowHeader && width === 1 && labels[column] && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", labels[column]);
          }
          for (var i = 0; i < width; i++) spans[column + i] = (cell.rowSpan || 1) - 1;
          column += width;
        });
        while (column < spans.length) {
          if (spans[column] > 0) spans[column] -= 1;
          column += 1;
        }
      });
    });
  }

  function labelAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("main table"), label);
  }

  document.addEventListener("DOMContentLoaded", function () {
    labelAll(document);
  });
  document.addEventListener("htmx:afterSettle", function () {
    labelAll(document);
  });
})();

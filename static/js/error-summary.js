/*
 * A page that comes back with "Please correct the following" shows it: the first error summary
 * (templates/forms/_error_summary.html) is scrolled into view and focused, so a screen reader
 * reads it and a person who pressed a button at the foot of a long page (a rubric, a chair's
 * decision) sees what is missing instead of the top of the page. Each of its lines links to its
 * field. Only when the page loads: a summary htmx swaps in while someone types (the catalog's
 * filters) leaves the focus where it is.
 */
(function () {
  "use strict";

  function show() {
    // The first one shown: a page may hold a summary its script fills in later, kept hidden
    // until then (the evidence page's uploads), before the one the server rendered.
    var summary = document.querySelector(".error-summary:not([hidden])");
    if (!summary) return;
    summary.scrollIntoView({ block: "start" });
    summary.focus({ preventScroll: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", show);
  } else {
    show();
  }
})();

// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  // A table that scrolls sideways (on a phone) must be reachable with the keyboard.
  function markScrollableRegions() {
    document.querySelectorAll("table.data, .table-scroll").forEach(function (region) {
      if (region.scrollWidth > region.clientWidth + 1) {
        region.setAttribute("tabindex", "0");
      } else {
        region.removeAttribute("tabindex");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", markScrollableRegions);
  // A form sent back with problems: move focus to the list of them, so a screen reader reads it first.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
  window.addEventListener("resize", markScrollableRegions);

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!target.closest) { return; }
    if (target.closest("[data-print]")) {
      window.print();
    }
    var copy = target.closest("[data-copy]");
    if (copy && navigator.clipboard) {
      navigator.clipboard.writeText(copy.getAttribute("data-copy")).then(function () {
        var done = copy.getAttribute("data-copied");
        if (done) { copy.textContent = done; }
      });
    }
  });
})();

// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";
  // A table that scrolls sideways (on a phone) must be reachable with the keyboard.
  function markScrollableRegions() {
    document.querySelectorAll("table.data, .table-scroll, .team-frame").forEach(function (region) {
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

  // The phone header's menu button opens and closes the menu it controls; Escape closes it.
  function setUpMenuButton() {
    var button = document.querySelector(".menu-button[aria-controls]");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) { return; }
    function show(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }
    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        show(false);
        button.focus();
      }
    });
  }
  document.addEventListener("DOMContentLoaded", setUpMenuButton);
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

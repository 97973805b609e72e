// The candidate's countdown: a live clock from the seconds the server says are left.
// It counts from the server's figure (not the computer's clock), so a reload shows the
// true remaining time; the page says the same in words without JavaScript.
(function () {
  "use strict";
  var ANNOUNCE_AT = [[300, "data-five-minutes"], [60, "data-one-minute"]];

  function format(seconds) {
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = seconds % 60;
    var mm = (hours && minutes < 10 ? "0" : "") + minutes;
    return (hours ? hours + ":" : "") + mm + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function start(box) {
    var clock = box.querySelector("[data-countdown-clock]");
    var announce = box.querySelector("[data-countdown-announce]");
    var total = parseInt(box.getAttribute("data-seconds-left"), 10);
    if (!clock || isNaN(total)) { return; }
    var began = Date.now();
    // Thresholds already passed when the page opened are not announced again.
    var pending = ANNOUNCE_AT.filter(function (item) { return total > item[0]; });
    var ended = false;

    function tick() {
      var left = Math.max(0, total - Math.floor((Date.now() - began) / 1000));
      clock.textContent = format(left);
      while (pending.length && left <= pending[0][0]) {
        announce.textContent = box.getAttribute(pending.shift()[1]);
      }
      if (left === 0 && !ended) {
        ended = true;
        announce.textContent = box.getAttribute("data-time-up");
        clock.textContent = box.getAttribute("data-time-up");
        window.clearInterval(timer);
      }
    }
    var timer = window.setInterval(tick, 1000);
    tick();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-countdown]").forEach(start);
  });
})();

// Work orders: live countdowns to each deadline (colour turns at 20 % left and when overdue).
(function () {
  "use strict";
  var lang = document.documentElement.lang === "en" ? "en" : "zh";
  var words = lang === "en"
    ? { over: "overdue ", late: "overdue · ", d: "d ", h: "h ", m: "m ", s: "s" }
    : { over: "已超时 ", late: "已超期 · ", d: "天", h: "时", m: "分", s: "秒" };
  function fmt(seconds) {
    var s = Math.abs(seconds), out = "";
    var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600);
    var m = Math.floor(s % 3600 / 60), sec = Math.floor(s % 60);
    if (d) { out += d + words.d; }
    if (d || h) { out += h + words.h; }
    out += m + words.m + (d ? "" : sec + words.s);
    return (seconds < 0 ? words.over : "") + out;
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".wo-countdown[data-deadline]").forEach(function (el) {
      var deadline = Date.parse(el.getAttribute("data-deadline"));
      var budget = parseFloat(el.getAttribute("data-budget") || "0");
      if (isNaN(deadline)) { return; }
      var left = (deadline - now) / 1000;
      // An order already past a deadline is never shown green, whatever its next one says.
      var late = el.hasAttribute("data-overdue");
      el.textContent = (late && left >= 0 ? words.late : "") + fmt(left);
      el.classList.toggle("over", late || left < 0);
      el.classList.toggle("soon", !late && left >= 0 && budget > 0 && left < budget * 0.2);
    });
  }
  tick();
  setInterval(tick, 1000);
  // Print buttons (no inline handlers: the page's content security policy forbids them).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();

// One metric of one device over time with ECharts: the mean line and the low-high band
// (raw readings up to 6 hours, minute rollups up to two days, hourly rollups beyond).
(function () {
  "use strict";
  var el = document.getElementById("device-chart");
  if (!el || !window.echarts) { return; }
  var chart = echarts.init(el);
  var metric = document.getElementById("chart-metric");
  var hours = document.getElementById("chart-hours");
  // The axis and tooltip read in the site's zone (JINGWU_TIME_ZONE), whatever the phone's
  // zone is: each instant is moved by the zone's offset at that instant and drawn as UTC.
  var zone = el.getAttribute("data-tz");
  var parts = zone ? new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23",
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    second: "2-digit" }) : null;
  function wall(ms) {
    if (!parts) { return ms - new Date(ms).getTimezoneOffset() * 60000; }
    var f = {};
    parts.formatToParts(new Date(ms)).forEach(function (p) { f[p.type] = p.value; });
    var asUtc = Date.UTC(+f.year, +f.month - 1, +f.day, +f.hour % 24, +f.minute, +f.second);
    return asUtc + (ms % 1000 + 1000) % 1000;
  }

  function draw(data) {
    var pts = data.points;
    if (!pts.length) {
      chart.clear();
      chart.setOption({ title: { text: el.getAttribute("data-empty"), left: "center", top: "middle",
        textStyle: { color: "#6b7a90", fontSize: 14, fontWeight: "normal" } } });
      el.setAttribute("data-points", "0");
      return;
    }
    var mean = pts.map(function (p) { return [wall(p[0]), p[1]]; });
    var low = pts.map(function (p) { return [wall(p[0]), p[2]]; });
    var band = pts.map(function (p) { return [wall(p[0]), p[3] - p[2]]; });
    chart.clear();
    chart.setOption({
      useUTC: true,
      animation: false,
      tooltip: { trigger: "axis" },
      grid: { left: 50, right: 16, top: 16, bottom: 36 },
      xAxis: { type: "time" },
      yAxis: { type: "value", scale: true },
      series: [
        { type: "line", data: low, stack: "band", lineStyle: { opacity: 0 }, symbol: "none" },
        { type: "line", data: band, stack: "band", lineStyle: { opacity: 0 }, symbol: "none",
          areaStyle: { color: "rgba(31,78,140,.15)" } },
        { type: "line", data: mean, symbol: pts.length < 60 ? "circle" : "none", lineStyle: { color: "#1f4e8c" } }
      ]
    });
    el.setAttribute("data-points", String(pts.length));
  }

  function load() {
    var url = el.getAttribute("data-url") + "?metric=" + encodeURIComponent(metric.value) + "&hours=" + hours.value;
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(draw);
  }
  metric.addEventListener("change", load);
  hours.addEventListener("change", load);
  window.addEventListener("resize", function () { chart.resize(); });
  load();
})();

// One metric of one device over time with ECharts: the mean line and the low-high band
// (raw readings up to 6 hours, minute rollups up to two days, hourly rollups beyond).
(function () {
  "use strict";
  var el = document.getElementById("device-chart");
  if (!el || !window.echarts) { return; }
  var chart = echarts.init(el);
  var metric = document.getElementById("chart-metric");
  var hours = document.getElementById("chart-hours");

  function draw(data) {
    var pts = data.points;
    if (!pts.length) {
      chart.clear();
      chart.setOption({ title: { text: el.getAttribute("data-empty"), left: "center", top: "middle",
        textStyle: { color: "#6b7a90", fontSize: 14, fontWeight: "normal" } } });
      el.setAttribute("data-points", "0");
      return;
    }
    var mean = pts.map(function (p) { return [p[0], p[1]]; });
    var low = pts.map(function (p) { return [p[0], p[2]]; });
    var band = pts.map(function (p) { return [p[0], p[3] - p[2]]; });
    chart.clear();
    chart.setOption({
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

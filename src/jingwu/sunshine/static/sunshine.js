// The sunshine page: filters that apply on change, the monthly trend (echarts) and the map
// of communities (leaflet). Data come from the elements' data attributes (CSP: no inline
// script). Tiles only when a tile URL is configured; otherwise the points alone are drawn.
(function () {
  "use strict";
  var form = document.getElementById("sun-filters");
  if (form) {
    ["sun-month", "sun-community"].forEach(function (id) {
      var el = document.getElementById(id);
      if (el) { el.addEventListener("change", function () { form.submit(); }); }
    });
  }
  function text(s) { var d = document.createElement("div"); d.textContent = s; return d.innerHTML; }

  var trendEl = document.getElementById("sun-trend");
  if (trendEl && window.echarts) {
    var trend = JSON.parse(trendEl.getAttribute("data-trend") || "{}");
    var months = Object.keys(trend).sort();
    var series = ["received", "closed"].map(function (m) {
      return {
        name: trendEl.getAttribute("data-" + m),
        type: "bar",
        data: months.map(function (k) { return trend[k][m] === undefined ? null : trend[k][m]; })
      };
    });
    var chart = window.echarts.init(trendEl);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 10, top: 30, bottom: 30 },
      xAxis: { type: "category", data: months },
      yAxis: { type: "value", minInterval: 1 },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
    trendEl.setAttribute("data-ready", "1");
  }

  var mapEl = document.getElementById("sun-map");
  if (mapEl && window.L) {
    var points = JSON.parse(mapEl.getAttribute("data-points") || "[]");
    var tiles = mapEl.getAttribute("data-tiles");
    var label = mapEl.getAttribute("data-received") || "";
    var none = mapEl.getAttribute("data-withheld") || "—";
    var map = window.L.map(mapEl, { attributionControl: !!tiles, zoomSnap: 0.25 });
    if (tiles) { window.L.tileLayer(tiles, { maxZoom: 18 }).addTo(map); }
    var group = window.L.featureGroup();
    var max = 1;
    points.forEach(function (p) { if (p.received) { max = Math.max(max, p.received); } });
    points.forEach(function (p) {
      var r = p.received === null ? 6 : 6 + 14 * Math.sqrt(p.received / max);
      window.L.circleMarker([p.lat, p.lon], {
        radius: r, color: "#b45309", weight: 1, fillColor: "#f59e0b",
        fillOpacity: p.received === null ? 0.2 : 0.7
      }).bindPopup("<a href=\"/sunshine?community=" + encodeURIComponent(p.code) + "\">" +
        text(p.name) + "</a><br>" + text(label) + ": " +
        text(p.received === null ? none : String(p.received))).addTo(group);
    });
    group.addTo(map);
    var bounds = group.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds.pad(0.2), { maxZoom: 14 }); } else { map.setView([30.27, 120.15], 11); }
    mapEl.setAttribute("data-ready", "1");
  }
})();

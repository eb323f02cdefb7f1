// The analytics map: heat layer (Leaflet.heat), station boundaries, open work orders,
// tomorrow's hotspot cells; a click shows the cell's counts and weekly trend (ECharts).
// Tiles only when a tile URL is configured: police intranets have no internet.
(function () {
  "use strict";
  var curves = document.getElementById("hit-curve");
  if (curves && window.echarts) { drawCurves(curves); }
  var el = document.getElementById("heat-map");
  if (!el || !window.L) { return; }
  var t = JSON.parse(el.getAttribute("data-i18n") || "{}");
  var tiles = el.getAttribute("data-tiles");
  var form = document.getElementById("an-filters");
  var TIER = { red: "#c62828", orange: "#ef6c00", yellow: "#f2b705", untriaged: "#607d8b" };

  var map = L.map(el, { attributionControl: !!tiles, zoomSnap: 0.25 });
  map.createPane("vectors").style.zIndex = 450;
  map.setView([30.27, 120.15], 13);
  if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }
  var heat = null, fitted = false, selected = null, trend = null;

  function query() {
    var w = form.elements.window.value, c = form.elements.category.value;
    return "window=" + encodeURIComponent(w) + (c ? "&category=" + encodeURIComponent(c) : "");
  }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); });
  }
  function fit(bounds) {
    if (!fitted && bounds && bounds.isValid()) { map.fitBounds(bounds.pad(0.04), { animate: false }); fitted = true; }
  }

  function loadLayers() {
    return getJSON(el.getAttribute("data-layers")).then(function (d) {
      var stations = L.geoJSON(d.stations, {
        pane: "vectors", className: "station-boundary", interactive: false,
        style: { color: "#1f4e8c", weight: 2, fill: false }
      }).addTo(map);
      fit(stations.getBounds());
      d.orders.forEach(function (o) {
        L.circleMarker([o.lat, o.lon], {
          pane: "vectors", radius: 6, color: "#fff", weight: 1.5, className: "open-order",
          fillColor: TIER[o.tier] || TIER.untriaged, fillOpacity: 0.95
        }).bindTooltip(o.code + " · " + (t[o.tier] || o.tier)).addTo(map);
      });
    });
  }

  function loadHeat() {
    return getJSON(el.getAttribute("data-heat") + "?" + query()).then(function (d) {
      if (d.bounds) { fit(L.latLngBounds(d.bounds)); }
      if (heat) { map.removeLayer(heat); }
      // A spot about one and a half cells wide; intensities reach their maximum at the zoom
      // that shows the whole grid.
      var cellPx = d.grid ? d.grid.cell_m / (40075016.7 * Math.cos(map.getCenter().lat * Math.PI / 180) /
        Math.pow(2, map.getZoom() + 8)) : 16;
      var radius = Math.max(6, Math.min(40, 1.3 * cellPx));
      heat = L.heatLayer(d.points, {
        radius: radius, blur: 0.9 * radius, minOpacity: 0.3, max: Math.max(d.max, 1),
        maxZoom: map.getZoom()
      }).addTo(map);
      el.setAttribute("data-heat-points", String(d.points.length));
      document.getElementById("an-total").textContent = d.total.toLocaleString();
      document.getElementById("export-geojson").href = "/api/v1/analytics/grid.geojson?" + query();
      document.getElementById("export-svg").href = "/analytics/map.svg?" + query();
    });
  }

  function loadForecast() {
    return getJSON(el.getAttribute("data-forecast")).then(function (d) {
      L.geoJSON(d, {
        pane: "vectors", className: "forecast-cell",
        style: { color: "#5b2a86", weight: 2, fillColor: "#5b2a86", fillOpacity: 0.14 },
        onEachFeature: function (f, layer) {
          layer.bindTooltip(t.rank + " " + f.properties.rank + " " + t.of + " " + f.properties.of +
            " · " + t.expected + " " + f.properties.expected.toFixed(2));
          layer.on("click", function (e) { L.DomEvent.stopPropagation(e); showCell(e.latlng); });
        }
      }).addTo(map);
      el.setAttribute("data-forecast-cells", String(d.features.length));
    });
  }

  function row(label, value) {
    var tr = document.createElement("tr");
    var th = document.createElement("th"), td = document.createElement("td");
    th.textContent = label; td.textContent = value; td.className = "num";
    tr.appendChild(th); tr.appendChild(td);
    return tr;
  }

  function showCell(latlng) {
    var c = form.elements.category.value;
    var url = el.getAttribute("data-cell") + "?lon=" + latlng.lng + "&lat=" + latlng.lat +
      (c ? "&category=" + encodeURIComponent(c) : "");
    getJSON(url).then(function (cell) {
      var b = cell.bounds;
      if (selected) { map.removeLayer(selected); }
      selected = L.rectangle([[b[1], b[0]], [b[3], b[2]]], {
        pane: "vectors", color: "#111", weight: 2, fill: false, className: "selected-cell"
      }).addTo(map);
      var body = document.querySelector("#cell-counts tbody");
      body.textContent = "";
      Object.keys(cell.counts).forEach(function (w) {
        body.appendChild(row(t.incidents + ", " + w + " " + t.days, cell.counts[w]));
      });
      document.getElementById("cell-risk").textContent = cell.risk
        ? t.expected + ": " + cell.risk.expected.toFixed(2) + " · " + t.rank + " " +
          cell.risk.rank + " " + t.of + " " + cell.risk.out_of + (cell.risk.hotspot ? " · " + t.hotspot : "")
        : t.notforecast;
      document.getElementById("cell-hint").hidden = true;
      document.getElementById("cell-body").hidden = false;
      if (window.echarts) {
        trend = trend || echarts.init(document.getElementById("cell-trend"));
        trend.setOption({
          title: { text: t.week, textStyle: { fontSize: 12 } },
          grid: { left: 32, right: 8, top: 30, bottom: 24 },
          tooltip: { trigger: "axis" },
          xAxis: { type: "category", data: cell.weeks.map(function (w) { return w.start.slice(5); }) },
          yAxis: { type: "value", minInterval: 1 },
          series: [{ type: "line", data: cell.weeks.map(function (w) { return w.incidents; }),
                     areaStyle: { opacity: 0.15 } }]
        });
      }
      el.setAttribute("data-cell-shown", String(cell.cell));
    }).catch(function () {
      document.getElementById("cell-hint").textContent = t.nocell;
      document.getElementById("cell-hint").hidden = false;
      document.getElementById("cell-body").hidden = true;
    });
  }

  map.on("click", function (e) { showCell(e.latlng); });
  // The figures above the map follow the filters too: their fragment is fetched again.
  function loadSummary() {
    var box = document.getElementById("an-summary");
    if (!box) { return; }
    fetch(box.getAttribute("data-src") + "?" + query(), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.text(); })
      .then(function (html) { box.innerHTML = html; box.setAttribute("data-query", query()); });
  }
  form.addEventListener("change", function () { loadHeat(); loadSummary(); });
  form.addEventListener("submit", function (e) { e.preventDefault(); loadHeat(); loadSummary(); });

  loadLayers()
    .then(loadHeat)
    .then(loadForecast)
    .then(function () { el.setAttribute("data-ready", "1"); })
    .catch(function (err) { el.setAttribute("data-error", String(err)); });

  function drawCurves(curves) {
    var data = JSON.parse(curves.getAttribute("data-curves"));
    var labels = JSON.parse(curves.getAttribute("data-labels"));
    echarts.init(curves).setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 40, bottom: 40 },
      xAxis: { type: "category", name: labels.x, nameLocation: "middle", nameGap: 26,
               data: data.coverages.map(function (c) { return c + " %"; }) },
      yAxis: { type: "value", name: labels.y, min: 0, max: 1 },
      series: data.series.map(function (s) {
        return { name: s.name, type: "line", data: s.hit_rate, symbolSize: 6,
                 lineStyle: { width: s.kind === "ours" ? 3 : 1.5 } };
      })
    });
  }
})();

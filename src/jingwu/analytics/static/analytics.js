// The situational map: layers the user toggles (stations, service circles, residents,
// incidents heat, forecast hotspots, open orders, devices, live alerts, patrol routes,
// uncovered areas), each loaded for the part of the map on screen from
// /api/v1/analytics/map/<layer>?bbox=&zoom= (clusters when zoomed out). The layers on, the
// centre and the zoom are kept in the URL. A click shows a cell's counts and trend.
// Tiles only when a tile URL is configured: police intranets have no internet.
(function () {
  "use strict";
  var curves = document.getElementById("hit-curve");
  if (curves && window.echarts) { drawCurves(curves); }
  // The area's figures and tomorrow's hotspots come after the page (they count the window's
  // incidents), so the map shows at once; fetched again when the filters change. An older
  // answer that arrives late is dropped.
  var summaryBox = document.getElementById("an-summary"), summarySeq = 0;
  function loadSummary(q) {
    if (!summaryBox) { return; }
    var seq = ++summarySeq;
    summaryBox.setAttribute("aria-busy", "true");
    fetch(summaryBox.getAttribute("data-src") + "?" + q, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.text(); })
      .then(function (html) {
        if (seq !== summarySeq) { return; }
        summaryBox.innerHTML = html;
        summaryBox.setAttribute("data-query", q);
        summaryBox.setAttribute("data-loaded", "1");
        summaryBox.removeAttribute("aria-busy");
      })
      .catch(function () {
        if (seq !== summarySeq) { return; }
        var note = document.getElementById("an-summary-note");
        if (note) { note.textContent = summaryBox.getAttribute("data-failed"); }
        summaryBox.removeAttribute("aria-busy");
      });
  }
  if (summaryBox) { loadSummary(summaryBox.getAttribute("data-query")); }
  var el = document.getElementById("heat-map");
  if (!el || !window.L) { return; }
  var t = JSON.parse(el.getAttribute("data-i18n") || "{}");
  var api = el.getAttribute("data-layer-api");
  var tiles = el.getAttribute("data-tiles");
  var form = document.getElementById("an-filters");
  var panel = document.getElementById("layer-panel");
  var TIER = { red: "#c62828", orange: "#ef6c00", yellow: "#f2b705", untriaged: "#607d8b" };
  var STATUS = { online: "#2e7d32", offline: "#9e9e9e", fault: "#c62828", maintenance: "#1565c0" };
  var WORST = ["fault", "offline", "maintenance", "online"];

  // On a phone the panel starts folded so the map shows first.
  if (panel && window.matchMedia && window.matchMedia("(max-width: 600px)").matches) {
    panel.open = false;
  }

  var map = L.map(el, { attributionControl: !!tiles, zoomSnap: 0.25, maxZoom: 19 });
  map.createPane("vectors").style.zIndex = 450;
  if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }
  var selected = null, trend = null, timer = null, pending = 0;
  var groups = {}, tokens = {};

  function fmt(s, values) {
    return s.replace(/%\((\w+)\)s/g, function (_, k) { return values[k]; });
  }
  function query() {
    var w = form.elements.window.value, c = form.elements.category.value;
    return "window=" + encodeURIComponent(w) + (c ? "&category=" + encodeURIComponent(c) : "");
  }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); });
  }
  function boxes() { return Array.prototype.slice.call(document.querySelectorAll("input[name=layer]")); }
  function enabled() { return boxes().filter(function (b) { return b.checked; }).map(function (b) { return b.value; }); }
  function zoom() { return Math.max(0, Math.min(22, Math.floor(map.getZoom()))); }
  function bbox() {
    var b = map.getBounds();
    var w = Math.max(-180, b.getWest()), e = Math.min(180, b.getEast());
    var s = Math.max(-90, b.getSouth()), n = Math.min(90, b.getNorth());
    return [w, s, e, n].map(function (v) { return v.toFixed(6); }).join(",");
  }
  function lonlat(f) { return [f.geometry.coordinates[1], f.geometry.coordinates[0]]; }
  function size(n) { return Math.max(14, Math.min(46, 10 + 6 * Math.log(n + 1))); }
  function bubble(f, cls, title) {
    var n = f.properties.count;
    var px = size(n);
    return L.marker(lonlat(f), {
      icon: L.divIcon({ className: "an-cluster " + cls, iconSize: L.point(px, px),
                        html: "<span>" + n.toLocaleString() + "</span>" }),
      title: n.toLocaleString() + " " + title, keyboard: false
    });
  }
  function dot(f, cls, colour, radius, tip) {
    var m = L.circleMarker(lonlat(f), { pane: "vectors", radius: radius, color: "#fff", weight: 1.5,
                                        fillColor: colour, fillOpacity: 0.95, className: cls });
    return tip ? m.bindTooltip(tip) : m;
  }

  var DRAW = {
    stations: function (d, g) {
      L.geoJSON(d, {
        pane: "vectors",
        filter: function (f) { return f.properties.part === "boundary"; },
        style: { color: "#1f4e8c", weight: 2, fill: false, className: "station-boundary" },
        interactive: false
      }).addTo(g);
      d.features.forEach(function (f) {
        if (f.properties.part === "station") {
          dot(f, "station-point", "#1f4e8c", 5, f.properties.name).addTo(g);
        }
      });
    },
    circles: function (d, g) {
      L.geoJSON(d, { pane: "vectors", interactive: false,
        style: { color: "#00897b", weight: 1.5, fillColor: "#00897b", fillOpacity: 0.08, className: "service-circle" }
      }).addTo(g);
    },
    residents: function (d, g) {
      var max = 1;
      d.features.forEach(function (f) { max = Math.max(max, f.properties.population); });
      d.features.forEach(function (f) {
        var p = f.properties.population;
        L.circleMarker(lonlat(f), { pane: "vectors", stroke: false, fillColor: "#6a1b9a",
          fillOpacity: 0.12 + 0.5 * p / max, radius: d.clustered ? 14 : 5, className: "resident-cell" })
          .bindTooltip(p.toLocaleString() + " " + t.residents).addTo(g);
      });
    },
    incidents: function (d, g) {
      // A spot about one and a half cells (or one cluster cell) wide.
      var mPerPx = 40075016.7 * Math.cos(map.getCenter().lat * Math.PI / 180) / Math.pow(2, map.getZoom() + 8);
      var spotM = d.clustered ? d.spot_deg * 111320 : (d.cell_m || 200);
      var radius = Math.max(6, Math.min(40, 1.3 * spotM / mPerPx));
      if (window.L.heatLayer) {
        L.heatLayer(d.points, { radius: radius, blur: 0.9 * radius, minOpacity: 0.3,
                                max: Math.max(d.max, 1), maxZoom: map.getZoom() }).addTo(g);
      }
      el.setAttribute("data-heat-points", String(d.points.length));
      document.getElementById("an-total").textContent = d.total.toLocaleString();
    },
    hotspots: function (d, g) {
      L.geoJSON(d, {
        pane: "vectors",
        style: { color: "#5b2a86", weight: 2, fillColor: "#5b2a86", fillOpacity: 0.14, className: "forecast-cell" },
        onEachFeature: function (f, layer) {
          layer.bindTooltip(t.rank + " " + f.properties.rank + " " + t.of + " " + f.properties.of +
            " · " + t.expected + " " + f.properties.expected.toFixed(2));
          layer.on("click", function (e) { L.DomEvent.stopPropagation(e); showCell(e.latlng); });
        }
      }).addTo(g);
      el.setAttribute("data-forecast-cells", String(d.features.length));
    },
    orders: function (d, g) {
      d.features.forEach(function (f) {
        var p = f.properties, colour = TIER[p.tier] || TIER.untriaged;
        if (p.cluster) { bubble(f, "order-cluster tier-" + p.tier, t.orders).addTo(g); }
        else { dot(f, "open-order", colour, 6, p.code + " · " + (t[p.tier] || p.tier)).addTo(g); }
      });
    },
    devices: function (d, g) {
      d.features.forEach(function (f) {
        var p = f.properties;
        if (p.cluster) {
          var worst = WORST.filter(function (s) { return p.statuses[s] > 0; })[0] || "online";
          bubble(f, "device-cluster status-" + worst, t.devices).addTo(g);
        } else {
          dot(f, "device-point", STATUS[p.status] || STATUS.offline, 4, p.code + " · " + (t[p.status] || p.status)).addTo(g);
        }
      });
    },
    alerts: function (d, g) {
      var lang = document.documentElement.lang === "en" ? "en" : "zh";
      d.features.forEach(function (f) {
        var p = f.properties;
        L.circleMarker(lonlat(f), { pane: "vectors", radius: 9, color: TIER[p.tier] || TIER.red, weight: 3,
          fill: false, className: "live-alert" }).bindTooltip(t.alert + " · " + p.device + " · " + p.label[lang]).addTo(g);
      });
    },
    patrols: function (d, g) {
      L.geoJSON(d, { pane: "vectors",
        style: function (f) {
          return { color: "#0d47a1", weight: 3, opacity: 0.85, dashArray: f.properties.kind === "planned" ? "6 5" : null,
                   className: "patrol-route" };
        },
        onEachFeature: function (f, layer) {
          layer.bindTooltip((t[f.properties.kind] || f.properties.kind) + (f.properties.name ? " · " + f.properties.name : "") +
            " · " + (f.properties.length_m / 1000).toFixed(2) + " km");
        }
      }).addTo(g);
      var share = document.getElementById("patrol-share"), c = d.coverage;
      if (share && c) {
        share.textContent = c.hotspots ? fmt(t.share, { covered: c.covered, total: c.hotspots,
          share: Math.round(100 * c.share) + " %" }) : t.noshare;
        share.hidden = false;
        share.setAttribute("data-covered", String(c.covered));
      }
    },
    uncovered: function (d, g) {
      d.features.forEach(function (f) {
        dot(f, "uncovered-place", "#d84315", 6, f.properties.population.toLocaleString() + " · " + t.uncovered).addTo(g);
      });
    }
  };

  function clear(name) {
    if (groups[name]) { map.removeLayer(groups[name]); delete groups[name]; }
    var count = document.getElementById("count-" + name);
    if (count) { count.textContent = ""; }
    el.removeAttribute("data-layer-" + name);
    if (name === "patrols") { var s = document.getElementById("patrol-share"); if (s) { s.hidden = true; } }
  }

  function load(name) {
    var token = (tokens[name] || 0) + 1;
    tokens[name] = token;
    pending += 1;
    el.removeAttribute("data-ready");
    var url = api + name + "?bbox=" + bbox() + "&zoom=" + zoom() + "&" + query();
    return getJSON(url).then(function (d) {
      if (tokens[name] !== token || enabled().indexOf(name) < 0) { return; }
      clear(name);
      var g = L.layerGroup();
      DRAW[name](d, g);
      g.addTo(map);
      groups[name] = g;
      var n = d.total || 0;
      var count = document.getElementById("count-" + name);
      if (count) { count.textContent = n ? n.toLocaleString() : "0"; }
      el.setAttribute("data-layer-" + name, String(n));
      el.setAttribute("data-features-" + name, String((d.features || d.points || []).length));
    }).catch(function (err) {
      var count = document.getElementById("count-" + name);
      if (count) { count.textContent = t.failed; }
      el.setAttribute("data-error", name + ": " + err);
    }).then(function () {
      pending -= 1;
      if (pending === 0) { el.setAttribute("data-ready", "1"); }
    });
  }

  function remember() {
    var c = map.getCenter();
    var params = new URLSearchParams(window.location.search);
    params.set("layers", enabled().join(","));
    params.set("z", String(Math.round(map.getZoom() * 4) / 4));
    params.set("c", c.lat.toFixed(5) + "," + c.lng.toFixed(5));
    params.set("window", form.elements.window.value);
    if (form.elements.category.value) { params.set("category", form.elements.category.value); } else { params.delete("category"); }
    window.history.replaceState(null, "", window.location.pathname + "?" + params.toString());
  }

  function reloadAll() {
    remember();
    var on = enabled();
    if (!on.length) { el.setAttribute("data-ready", "1"); }
    on.forEach(load);
  }

  boxes().forEach(function (b) {
    b.addEventListener("change", function () {
      if (b.checked) { load(b.value); } else { clear(b.value); }
      remember();
    });
  });
  map.on("moveend", function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(reloadAll, 200);
  });

  // The first view: the URL's centre and zoom, else the stations of the scope.
  var params = new URLSearchParams(window.location.search);
  var centre = (params.get("c") || "").split(",").map(Number);
  var z = Number(params.get("z"));
  var extent = JSON.parse(el.getAttribute("data-extent") || "null");
  if (centre.length === 2 && isFinite(centre[0]) && isFinite(centre[1]) && z >= 0 && z <= 19 && params.get("z")) {
    map.setView(centre, z, { animate: false });
  } else if (extent) {
    map.fitBounds([[extent[1], extent[0]], [extent[3], extent[2]]], { animate: false, padding: [8, 8] });
  } else {
    map.setView([30.27, 120.15], 13, { animate: false });
  }
  if (timer) { clearTimeout(timer); timer = null; }
  reloadAll();

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
  function refilter() {
    if (enabled().indexOf("incidents") >= 0) { load("incidents"); }
    document.getElementById("export-geojson").href = "/api/v1/analytics/grid.geojson?" + query();
    document.getElementById("export-svg").href = "/analytics/map.svg?" + query();
    loadSummary(query());
    remember();
  }
  form.addEventListener("change", function (e) { if (e.target.name !== "layer") { refilter(); } });
  form.addEventListener("submit", function (e) { e.preventDefault(); refilter(); });

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

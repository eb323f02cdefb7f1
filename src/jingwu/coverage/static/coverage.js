// The coverage map: station boundaries and points, each station's service circle,
// uncovered residents (sized by population) and the suggested sites, from one GeoJSON
// document. Tiles only when a tile URL is configured: police intranets have no internet.
(function () {
  "use strict";
  var el = document.getElementById("cov-map");
  if (!el || !window.L) { return; }
  var t = JSON.parse(el.getAttribute("data-i18n") || "{}");
  var tiles = el.getAttribute("data-tiles");
  var map = L.map(el, { attributionControl: !!tiles, zoomSnap: 0.25 });
  map.setView([30.27, 120.15], 13);
  if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }

  var STYLE = {
    boundary: { color: "#1f4e8c", weight: 2, fill: false },
    circle: { color: "#2e7d32", weight: 1.5, fillColor: "#2e7d32", fillOpacity: 0.18 }
  };

  function marker(f, latlng) {
    var p = f.properties;
    if (p.layer === "uncovered") {
      return L.circleMarker(latlng, {
        radius: Math.max(4, Math.min(18, Math.sqrt(p.population) / 4)), color: "#fff", weight: 1,
        fillColor: "#c62828", fillOpacity: 0.85, className: "cov-uncovered"
      }).bindTooltip(t.uncovered + " · " + p.population.toLocaleString() + " " + t.residents);
    }
    if (p.layer === "suggestion") {
      return L.marker(latlng, {
        icon: L.divIcon({ className: "cov-site", html: "<b>" + p.rank + "</b>", iconSize: [22, 22] })
      }).bindTooltip(t.site + " " + p.rank + " · " + t.adds + " " + p.adds.toLocaleString() + " " + t.residents);
    }
    return L.circleMarker(latlng, {
      radius: 5, color: "#1f4e8c", weight: 2, fillColor: "#fff", fillOpacity: 1, className: "cov-station"
    }).bindTooltip(p.name || p.station);
  }

  fetch(el.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
    .then(function (d) {
      var order = { boundary: 0, circle: 1, uncovered: 2, station: 3, suggestion: 4 };
      d.features.sort(function (a, b) { return order[a.properties.layer] - order[b.properties.layer]; });
      var layer = L.geoJSON(d, {
        style: function (f) { return STYLE[f.properties.layer] || {}; },
        pointToLayer: marker,
        onEachFeature: function (f, l) {
          if (f.properties.layer === "circle") {
            l.bindTooltip(f.properties.station + " · " + f.properties.area_km2 + " " + t.area);
          }
        }
      }).addTo(map);
      var counts = {};
      d.features.forEach(function (f) { counts[f.properties.layer] = (counts[f.properties.layer] || 0) + 1; });
      Object.keys(counts).forEach(function (k) { el.setAttribute("data-" + k, String(counts[k])); });
      el.setAttribute("data-features", String(d.features.length));
      var bounds = layer.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds.pad(0.04), { animate: false }); }
    })
    .catch(function () { el.setAttribute("data-features", "error"); });
}());

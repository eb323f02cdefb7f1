// Draws a unit's boundary with Leaflet; tiles only when a tile URL is configured
// (police intranets have no internet: the polygon alone is drawn on a plain background).
(function () {
  "use strict";
  var el = document.getElementById("unit-map");
  if (!el || !window.L) { return; }
  var boundary = JSON.parse(el.getAttribute("data-boundary") || "{}");
  var point = JSON.parse(el.getAttribute("data-point") || "null");
  var tiles = el.getAttribute("data-tiles");
  var layers = [];
  if (boundary && boundary.type) {
    layers.push(L.geoJSON(boundary, { style: { color: "#1f4e8c", weight: 2, fillOpacity: 0.12 } }));
  }
  if (point && point[0] !== null) {
    layers.push(L.circleMarker([point[1], point[0]], { radius: 7, color: "#c62828", fillOpacity: 0.9 }));
  }
  var map = L.map(el, { attributionControl: !!tiles, zoomSnap: 0.25 });
  // The view must be set before vector layers are added.
  var group = L.featureGroup(layers);
  var bounds = layers.length ? group.getBounds() : null;
  if (bounds && bounds.isValid()) { map.fitBounds(bounds.pad(0.15)); } else { map.setView([30.27, 120.15], 12); }
  if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }
  group.addTo(map);
  el.setAttribute("data-ready", "1");
})();

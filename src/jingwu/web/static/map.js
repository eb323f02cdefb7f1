// Draws a unit's boundary with Leaflet; tiles only when a tile URL is configured
// (police intranets have no internet: the polygon alone is drawn on a plain background).
(function () {
  "use strict";
  var el = document.getElementById("unit-map");
  if (!el || !window.L) { return; }
  var boundary = JSON.parse(el.getAttribute("data-boundary") || "{}");
  var point = JSON.parse(el.getAttribute("data-point") || "null");
  var tiles = el.getAttribute("data-tiles");
  var map = L.map(el, { attributionControl: !!tiles, zoomSnap: 0.25 });
  if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }
  var bounds = null;
  if (boundary && boundary.type) {
    var layer = L.geoJSON(boundary, { style: { color: "#1f4e8c", weight: 2, fillOpacity: 0.12 } }).addTo(map);
    bounds = layer.getBounds();
  }
  if (point && point[0] !== null) {
    var marker = L.circleMarker([point[1], point[0]], { radius: 7, color: "#c62828", fillOpacity: 0.9 }).addTo(map);
    if (!bounds) { bounds = L.latLngBounds([marker.getLatLng()]); }
  }
  if (bounds && bounds.isValid()) { map.fitBounds(bounds.pad(0.15)); } else { map.setView([30.27, 120.15], 12); }
  el.setAttribute("data-ready", "1");
})();

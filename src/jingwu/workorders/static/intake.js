// Intake form: a map to set the order's point (WGS-84, as stored). Tapping the map sets
// the point; the address text is kept as written. The map shows the chosen station's area.
(function () {
  "use strict";
  var el = document.getElementById("point-map");
  var lon = document.getElementById("lon");
  var lat = document.getElementById("lat");
  var station = document.getElementById("station");
  var readout = document.getElementById("point-readout");
  if (!el || !lon || !lat || !window.L) { return; }
  var stations = JSON.parse(el.getAttribute("data-stations") || "{}");
  var tiles = el.getAttribute("data-tiles");
  var map = L.map(el, { attributionControl: !!tiles, zoomSnap: 0.25 });
  if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }
  var area = L.featureGroup().addTo(map);
  var marker = null;

  function round(x) { return Math.round(x * 1e6) / 1e6; }

  function show() {
    var has = lon.value !== "" && lat.value !== "";
    readout.textContent = has ? lat.value + ", " + lon.value : readout.getAttribute("data-empty");
    readout.classList.toggle("muted", !has);
    if (!has) {
      if (marker) { map.removeLayer(marker); marker = null; }
      return;
    }
    var at = [parseFloat(lat.value), parseFloat(lon.value)];
    if (marker) { marker.setLatLng(at); } else {
      marker = L.circleMarker(at, { radius: 8, color: "#c62828", fillOpacity: 0.9 }).addTo(map);
    }
  }

  function set(latlng) {
    lon.value = String(round(latlng.lng));
    lat.value = String(round(latlng.lat));
    show();
  }

  // Ray casting on the rings of a (Multi)Polygon: is [lng, lat] inside?
  function inRing(x, y, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) { inside = !inside; }
    }
    return inside;
  }
  function contains(geometry, x, y) {
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates]
      : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    return polygons.some(function (rings) {
      return inRing(x, y, rings[0]) && !rings.slice(1).some(function (hole) { return inRing(x, y, hole); });
    });
  }
  // With no station chosen yet (a partner, a street head), the point chooses it.
  function stationAt(latlng) {
    return Object.keys(stations).find(function (code) {
      var b = stations[code].boundary;
      return b && b.type && contains(b, latlng.lng, latlng.lat);
    });
  }

  function frame() {
    area.clearLayers();
    var chosen = station && station.value ? [station.value] : Object.keys(stations);
    chosen.forEach(function (code) {
      var b = stations[code] && stations[code].boundary;
      if (b && b.type) {
        area.addLayer(L.geoJSON(b, { style: { color: "#1f4e8c", weight: chosen.length > 1 ? 1 : 2, fillOpacity: 0.08 } }));
      }
    });
    var s = station && station.value ? stations[station.value] : null;
    var bounds = area.getBounds();
    if (marker) {
      map.setView(marker.getLatLng(), 16);
    } else if (bounds.isValid()) {
      map.fitBounds(bounds.pad(0.1));
    } else if (s && s.centre && s.centre[0] !== null) {
      map.setView([s.centre[1], s.centre[0]], 15);
    } else {
      map.setView([30.27, 120.15], 12);
    }
  }

  map.on("click", function (evt) {
    set(evt.latlng);
    var code = station && !station.value ? stationAt(evt.latlng) : null;
    if (code) { station.value = code; frame(); }
  });
  if (station) { station.addEventListener("change", frame); }
  document.getElementById("point-clear").addEventListener("click", function () {
    lon.value = ""; lat.value = ""; show();
  });
  var locate = document.getElementById("point-locate");
  if (!navigator.geolocation) { locate.hidden = true; }
  locate.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (pos) {
      set({ lat: pos.coords.latitude, lng: pos.coords.longitude });
      map.setView(marker.getLatLng(), 17);
    }, function () { locate.disabled = true; }, { enableHighAccuracy: true, timeout: 15000 });
  });
  // Filling the form again after an error, or from a kept draft, shows its point.
  el.addEventListener("jingwu:point", show);
  show();
  frame();
  el.setAttribute("data-ready", "1");
})();

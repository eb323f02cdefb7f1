// The live device map: every device of the user's scope, clustered with
// Leaflet.markercluster and drawn on a canvas, so 100,000 points stay smooth. The data are
// compact rows [id, lon, lat, class, status] (see jingwu/iot/mapdata.py). Tiles are drawn
// only when a tile URL is configured (police intranets have no internet).
(function () {
  "use strict";
  var el = document.getElementById("device-map");
  if (!el || !window.L || !L.markerClusterGroup) { return; }
  var COLOURS = ["#2e7d32", "#ef6c00", "#c62828", "#6b7a90"]; // online, offline, fault, maintenance
  var WORST = [0, 2, 3, 1]; // rank of a status when a cluster shows its worst device
  var classes = JSON.parse(el.getAttribute("data-classes") || "{}");
  var statusLabels = JSON.parse(el.getAttribute("data-status-labels") || "[]");
  var tiles = el.getAttribute("data-tiles");
  // markercluster needs a maxZoom on the map itself when there is no tile layer to give one
  var map = L.map(el, { preferCanvas: true, attributionControl: !!tiles, zoomSnap: 0.5, maxZoom: 19 });
  map.setView([30.27, 120.13], 12);
  if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }
  var renderer = L.canvas({ padding: 0.5 });
  var byId = {};
  var fields = null;

  function clusterIcon(cluster) {
    var children = cluster.getAllChildMarkers();
    var worst = 0;
    for (var i = 0; i < children.length; i++) {
      var s = children[i].options.status;
      if (WORST[s] > WORST[worst]) { worst = s; }
    }
    var n = cluster.getChildCount();
    var size = n < 100 ? 30 : n < 1000 ? 36 : n < 10000 ? 44 : 52;
    return L.divIcon({
      html: '<div style="background:' + COLOURS[worst] + ';color:#fff;border-radius:50%;width:' + size +
        'px;height:' + size + 'px;line-height:' + size + 'px;text-align:center;font-weight:600;' +
        'box-shadow:0 0 0 4px rgba(255,255,255,.7)">' + (n >= 1000 ? Math.round(n / 100) / 10 + "k" : n) + "</div>",
      className: "iot-cluster", iconSize: L.point(size, size)
    });
  }

  var clusters = L.markerClusterGroup({
    chunkedLoading: true, chunkInterval: 100, chunkDelay: 10, maxClusterRadius: 60,
    showCoverageOnHover: false, iconCreateFunction: clusterIcon
  });
  map.addLayer(clusters);

  function popup(marker) {
    var o = marker.options;
    return '<a href="/iot/devices/' + o.deviceId + '">' + (el.getAttribute("data-open") || "Open") +
      "</a><br>" + (classes[o.cls] || o.cls) + " · " + (statusLabels[o.status] || "");
  }

  function legend(counts) {
    document.querySelectorAll("#map-legend [data-count]").forEach(function (b) {
      b.textContent = String(counts[parseInt(b.getAttribute("data-count"), 10)] || 0);
    });
  }

  function apply(data, first) {
    var rows = data.devices, seen = {}, added = [], counts = [0, 0, 0, 0], changed = false;
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i], id = r[0], st = r[4];
      seen[id] = true;
      counts[st] += 1;
      var m = byId[id];
      if (!m) {
        m = L.circleMarker([r[2], r[1]], {
          renderer: renderer, radius: 5, weight: 1, color: "#fff", fillColor: COLOURS[st],
          fillOpacity: 0.95, deviceId: id, status: st, cls: data.classes[r[3]]
        });
        m.bindPopup(popup);
        byId[id] = m;
        added.push(m);
      } else if (m.options.status !== st) {
        m.options.status = st;
        m.setStyle({ fillColor: COLOURS[st] });
        changed = true;
      }
    }
    var gone = [];
    Object.keys(byId).forEach(function (id) { if (!seen[id]) { gone.push(byId[id]); delete byId[id]; } });
    if (gone.length) { clusters.removeLayers(gone); }
    if (added.length) { clusters.addLayers(added); }
    if (changed) { clusters.refreshClusters(); }
    legend(counts);
    if (first && rows.length) { map.fitBounds(clusters.getBounds().pad(0.05)); }
    var when = document.getElementById("map-updated");
    if (when) {
      // local time of the site (JINGWU_TIME_ZONE), in the page's language, 24-hour
      when.textContent = data.generated ? new Date(data.generated).toLocaleTimeString(
        document.documentElement.lang || undefined,
        { hour12: false, timeZone: el.getAttribute("data-tz") || undefined }) : "";
    }
    el.setAttribute("data-devices", String(rows.length));
    el.setAttribute("data-ready", "1");
  }

  function load(first) {
    fetch(el.getAttribute("data-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { fields = data.fields; apply(data, first); })
      .catch(function () { el.setAttribute("data-error", "1"); });
  }
  load(true);
  setInterval(function () { if (!document.hidden) { load(false); } }, 30000);
})();

// The ranking page's choropleth: each station's boundary coloured by its rank (fifths of
// the ranked stations, best dark), grey where the index is missing. Tiles only when a tile
// URL is configured (police intranets have no internet: the polygons alone are drawn).
(function () {
  "use strict";
  var el = document.getElementById("ranking-map");
  if (!el || !window.L) { return; }
  var geo = JSON.parse(el.getAttribute("data-geo") || "{}");
  var tiles = el.getAttribute("data-tiles");
  var missing = el.getAttribute("data-missing") || "";
  var rankWord = el.getAttribute("data-rank") || "";
  var english = el.getAttribute("data-language") === "en";
  var period = el.getAttribute("data-period") || "";
  var ranks = (geo.features || []).map(function (f) { return f.properties.rank; })
    .filter(function (r) { return r !== null; });
  var n = ranks.length ? Math.max.apply(null, ranks) : 1;
  var colours = ["#08306b", "#2171b5", "#6baed6", "#c6dbef", "#f7fbff"];
  function colour(rank) {
    if (rank === null) { return "#bdbdbd"; }
    return colours[Math.min(4, Math.floor(5 * (rank - 1) / Math.max(n, 1)))];
  }
  function text(s) { var d = document.createElement("div"); d.textContent = s; return d.innerHTML; }
  var layer = L.geoJSON(geo, {
    style: function (f) {
      return { color: "#444", weight: 1, fillColor: colour(f.properties.rank), fillOpacity: 0.75 };
    },
    onEachFeature: function (f, l) {
      var p = f.properties;
      var name = english && p.name_en ? p.name_en : p.name;
      var figure = p.value === null ? missing : p.value + " · " + rankWord + " " + p.rank;
      l.bindPopup("<a href=\"/evaluation/units/" + encodeURIComponent(p.code) +
        (period ? "?period=" + encodeURIComponent(period) : "") + "\">" +
        text(name) + "</a><br>" + text(figure));
    }
  });
  var map = L.map(el, { attributionControl: !!tiles, zoomSnap: 0.25 });
  var bounds = layer.getBounds();
  if (bounds.isValid()) { map.fitBounds(bounds.pad(0.05)); } else { map.setView([30.27, 120.15], 12); }
  if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }
  layer.addTo(map);
  el.setAttribute("data-ready", "1");
})();

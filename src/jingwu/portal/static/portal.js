// The submission form: the map (tap to mark, or use my location), the SMS code button, and
// the proof of work, solved while the citizen types and awaited before sending.
(function () {
  "use strict";
  var form = document.getElementById("portal-submit");
  if (!form) { return; }
  var lat = document.getElementById("lat"), lon = document.getElementById("lon");
  var mapEl = document.getElementById("portal-map"), marker = null, map = null;
  var hint = document.getElementById("where-hint");
  function mark(la, lo) {
    lat.value = la.toFixed(6); lon.value = lo.toFixed(6);
    if (hint && hint.getAttribute("data-chosen")) {
      hint.textContent = hint.getAttribute("data-chosen")
        .replace("{lat}", la.toFixed(5)).replace("{lon}", lo.toFixed(5));
      hint.setAttribute("data-picked", "1");
    }
    if (map) {
      if (marker) { marker.setLatLng([la, lo]); } else { marker = L.marker([la, lo]).addTo(map); }
      map.setView([la, lo], Math.max(map.getZoom(), 15));
    }
  }
  if (mapEl && window.L) {
    var tiles = mapEl.getAttribute("data-tiles");
    map = L.map(mapEl, { attributionControl: !!tiles, zoomControl: false }).setView([30.27, 120.15], 12);
    L.control.zoom({
      zoomInTitle: mapEl.getAttribute("data-zoom-in"), zoomOutTitle: mapEl.getAttribute("data-zoom-out")
    }).addTo(map);
    if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); }
    // The stations as published by sunshine policing (public names, snapped points): a
    // map without tiles still shows where the stations are.
    var stations = [];
    try { stations = JSON.parse(mapEl.getAttribute("data-stations") || "[]"); } catch (e) { stations = []; }
    var points = [];
    stations.forEach(function (s) {
      var ll = [s.lat, s.lon];
      points.push(ll);
      L.circleMarker(ll, { radius: 7, weight: 2, color: "#1f4e8c", fillOpacity: 0.5 })
        .bindTooltip(s.name, { permanent: !tiles, direction: "top" }).addTo(map);
    });
    if (points.length) { map.fitBounds(points, { padding: [24, 24], maxZoom: 15 }); }
    mapEl.setAttribute("data-stations-drawn", String(points.length));
    map.on("click", function (ev) { mark(ev.latlng.lat, ev.latlng.lng); });
    if (lat.value && lon.value) { mark(parseFloat(lat.value), parseFloat(lon.value)); }
    mapEl.setAttribute("data-ready", "1");
  }
  var here = document.getElementById("use-location");
  if (here) {
    here.addEventListener("click", function () {
      if (!navigator.geolocation) { return; }
      navigator.geolocation.getCurrentPosition(function (p) { mark(p.coords.latitude, p.coords.longitude); });
    });
  }
  var send = document.getElementById("send-code"), status = document.getElementById("code-status");
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  send.addEventListener("click", function () {
    var body = new URLSearchParams();
    body.set("contact_phone", document.getElementById("contact-phone").value);
    body.set("csrf_token", csrf);
    send.disabled = true;
    fetch(send.getAttribute("data-url"), {
      method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRF-Token": csrf }
    }).then(function (r) { return r.text(); }).then(function (html) {
      status.innerHTML = html;
      setTimeout(function () { send.disabled = false; }, 30000);
    }, function () { send.disabled = false; });
  });
  var answer = document.getElementById("pow-answer"), powStatus = document.getElementById("pow-status");
  var solved = false, waiting = false;
  powStatus.textContent = powStatus.getAttribute("data-working");
  window.JingwuPow.solve(document.getElementById("pow-challenge").value, function (counter) {
    answer.value = String(counter);
    solved = true;
    powStatus.textContent = powStatus.getAttribute("data-done");
    powStatus.setAttribute("data-solved", "1");
    if (waiting) { form.submit(); }
  });
  form.addEventListener("submit", function (ev) {
    if (!solved) { ev.preventDefault(); waiting = true; }
  });
})();

// The work orders' service worker (scope /work-orders/): the intake form and its assets
// stay available without signal, and a new order posted while the signal drops is kept
// on the device (IndexedDB) instead of being lost; the pages send it when the signal
// returns (drafts.js), and the server takes each draft id once.
importScripts("/work-orders/static/drafts-store.js");

var CACHE = "jingwu-wo-2";
var FORM = "/work-orders/new";
var ASSETS = [
  "/work-orders/static/wo.css",
  "/work-orders/static/wo.js",
  "/work-orders/static/intake.js",
  "/work-orders/static/drafts.js",
  "/work-orders/static/drafts-store.js",
  "/static/app/app.css",
  "/static/app/app.js",
  "/static/vendor/htmx/htmx.min.js",
  "/static/vendor/leaflet/leaflet.js",
  "/static/vendor/leaflet/leaflet.css"
];

// The form itself is kept at once too: the visit that installs the worker loaded it before
// the worker existed, and a draft kept offline on that first visit comes back to the form.
function keepForm(cache) {
  return fetch(FORM, { credentials: "same-origin" }).then(function (response) {
    if (response.ok && new URL(response.url).pathname === FORM) { return cache.put(FORM, response); }
  }).catch(function () {});
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all([cache.addAll(ASSETS), keepForm(cache)]);
  }));
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function isAsset(url) {
  return url.pathname.indexOf("/work-orders/static/") === 0 || url.pathname.indexOf("/static/") === 0;
}

// The form: from the network when there is signal (and kept for later), else the copy.
function formPage(request) {
  return fetch(request).then(function (response) {
    var url = new URL(response.url);
    if (response.ok && url.pathname === FORM) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(FORM, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(FORM).then(function (hit) { return hit || Response.error(); });
  });
}

// Assets: the cached copy at once, refreshed from the network in the background.
function asset(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (hit) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok) { cache.put(request, response.clone()); }
        return response;
      });
      return hit || fresh;
    });
  });
}

// A new order posted as the signal drops: keep it as a draft and show the form again.
function postForm(request) {
  var kept = request.clone();
  return fetch(request).catch(function () {
    return kept.formData().then(function (form) {
      var fields = self.JingwuDrafts.fromForm(Array.from(form.entries()));
      var id = fields.draft_id || self.JingwuDrafts.newId();
      fields.draft_id = id;
      return self.JingwuDrafts.put({ id: id, saved_at: new Date().toISOString(), fields: fields, status: "pending" })
        .then(function () { return Response.redirect(FORM + "?kept=" + encodeURIComponent(id), 303); });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && url.pathname === FORM) {
    event.respondWith(postForm(request));
  } else if (request.method === "GET" && url.pathname === FORM && request.mode === "navigate") {
    event.respondWith(formPage(request));
  } else if (request.method === "GET" && isAsset(url)) {
    event.respondWith(asset(request));
  }
});

// Drafts of new orders kept on this device (IndexedDB), shared by the pages and the
// service worker: put, all, remove. A draft: {id, saved_at, fields, status, error}.
(function (scope) {
  "use strict";
  var DB = "jingwu-drafts", STORE = "drafts";
  function open() {
    return new Promise(function (resolve, reject) {
      var req = scope.indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "id" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode), out;
        var store = tx.objectStore(STORE);
        var req = work(store);
        if (req) { req.onsuccess = function () { out = req.result; }; }
        tx.oncomplete = function () { db.close(); resolve(out); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }
  scope.JingwuDrafts = {
    put: function (draft) { return run("readwrite", function (s) { return s.put(draft); }); },
    all: function () {
      return run("readonly", function (s) { return s.getAll(); }).then(function (list) {
        return (list || []).sort(function (a, b) { return a.saved_at < b.saved_at ? -1 : 1; });
      });
    },
    get: function (id) { return run("readonly", function (s) { return s.get(id); }); },
    remove: function (id) { return run("readwrite", function (s) { return s.delete(id); }); },
    // A new draft id (unique per device and draft; the server takes each id once).
    newId: function () {
      if (scope.crypto && scope.crypto.randomUUID) { return scope.crypto.randomUUID(); }
      var bytes = new Uint8Array(16);
      scope.crypto.getRandomValues(bytes);
      return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    },
    // The form's fields as stored (never the CSRF token: it is read fresh when sending).
    fromForm: function (entries) {
      var fields = {};
      entries.forEach(function (pair) {
        if (pair[0] !== "csrf_token" && typeof pair[1] === "string") { fields[pair[0]] = pair[1]; }
      });
      return fields;
    }
  };
})(self);

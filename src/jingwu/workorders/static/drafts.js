// New orders drafted without signal: kept on this device and sent when the signal returns.
// The intake form gets a draft id; submitted offline, the draft is stored (IndexedDB) rather
// than lost; on every work-order page, once online, kept drafts are sent to the API with
// their draft id, so a draft sent twice (two tabs, a lost answer) still makes one order.
(function () {
  "use strict";
  var store = window.JingwuDrafts;
  var banner = document.getElementById("drafts-banner");
  var form = document.getElementById("intake-form");
  if (!store || !banner || !window.indexedDB) { return; }
  var text = banner.dataset;
  var user = banner.dataset.user;
  var sent = [];
  var flushing = false;

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // Only those who may receive orders keep drafts (the worker fetches the form to keep it).
  if (banner.dataset.intake === "yes" && "serviceWorker" in navigator) {
    navigator.serviceWorker.register("/work-orders/sw.js", { scope: "/work-orders/" }).catch(function () {});
  }

  function el(tag, attrs, content) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (content) { node.textContent = content; }
    return node;
  }

  function render(drafts, note) {
    banner.textContent = "";
    var pending = drafts.filter(function (d) { return d.status !== "failed"; });
    var failed = drafts.filter(function (d) { return d.status === "failed"; });
    if (note) { banner.appendChild(el("p", { id: "drafts-note" }, note)); }
    if (pending.length) {
      banner.appendChild(el("p", { id: "drafts-pending", "data-count": String(pending.length) },
        text.kept.replace("{n}", String(pending.length))));
    }
    if (sent.length) {
      var p = el("p", { id: "drafts-sent" }, text.sent + " ");
      sent.forEach(function (code, i) {
        p.appendChild(el("a", { href: "/work-orders/" + code, "class": "draft-order" }, code));
        if (i < sent.length - 1) { p.appendChild(document.createTextNode(", ")); }
      });
      banner.appendChild(p);
    }
    if (failed.length) {
      var list = el("ul", { id: "drafts-failed" });
      failed.forEach(function (d) {
        var item = el("li", { "data-draft": d.id }, text.failed + " " + (d.fields.description || "").slice(0, 30) + " — " + (d.error || ""));
        if (form) {
          var open = el("button", { type: "button", "class": "draft-open" }, text.open);
          open.addEventListener("click", function () { fill(d); });
          item.appendChild(document.createTextNode(" "));
          item.appendChild(open);
        }
        var drop = el("button", { type: "button", "class": "draft-delete" }, text.remove);
        drop.addEventListener("click", function () {
          if (window.confirm(text.confirm)) { store.remove(d.id).then(refresh); }
        });
        item.appendChild(document.createTextNode(" "));
        item.appendChild(drop);
        list.appendChild(item);
      });
      banner.appendChild(list);
    }
    banner.hidden = !banner.childNodes.length;
    banner.className = "flash drafts" + (failed.length ? " bad" : "");
  }

  // A phone may be shared: each user sees and sends only the drafts they made.
  function mine() {
    return store.all().then(function (drafts) {
      return drafts.filter(function (d) { return d.fields.drafted_by === user; });
    });
  }

  function refresh(note) {
    return mine().then(function (drafts) { render(drafts, typeof note === "string" ? note : ""); });
  }

  // The JSON body of a draft, as the API takes it.
  function body(fields) {
    var out = {};
    Object.keys(fields).forEach(function (k) {
      var v = fields[k];
      if (k === "drafted_by") { return; }
      if (k === "minors_involved" || k === "elderly_involved") { out[k] = true; }
      else if (k === "lon" || k === "lat") { if (v !== "") { out[k] = Number(v); } }
      else if (v !== "") { out[k] = v; }
    });
    return out;
  }

  function sendOne(d) {
    return fetch("/api/v1/work-orders", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify(body(d.fields))
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        var code = json.error ? json.error.code : "";
        if (response.status === 200 || response.status === 201) {
          sent.push(json.code);
          return store.remove(d.id).then(function () { return true; });
        }
        if (response.status === 401 || code === "csrf" || response.status >= 500) {
          return "retry";  // sign in again, a fresh page, or a server in trouble: keep it
        }
        d.status = "failed";
        d.error = json.error ? json.error.message : String(response.status);
        return store.put(d).then(function () { return true; });
      });
    });
  }

  // Send every kept draft, oldest first; stop at the first network failure.
  function flush() {
    if (flushing || !navigator.onLine) { return Promise.resolve(); }
    flushing = true;
    var note = "";
    return mine().then(function (drafts) {
      var todo = drafts.filter(function (d) { return d.status !== "failed"; });
      return todo.reduce(function (chain, d) {
        return chain.then(function (go) {
          if (!go) { return false; }
          return sendOne(d).then(function (result) {
            if (result === "retry") { note = text.signin; return false; }
            return true;
          });
        });
      }, Promise.resolve(true));
    }).catch(function () { return false; }).then(function () {
      flushing = false;
      return refresh(note);
    });
  }

  function fill(d) {
    Object.keys(d.fields).forEach(function (name) {
      var input = form.elements[name];
      if (!input) { return; }
      if (input.type === "checkbox") { input.checked = true; } else { input.value = d.fields[name]; }
    });
    var map = document.getElementById("point-map");
    if (map) { map.dispatchEvent(new Event("jingwu:point")); }
    form.scrollIntoView();
  }

  if (form) {
    var id = form.elements.draft_id;
    if (!id.value) { id.value = store.newId(); }
    form.addEventListener("submit", function (evt) {
      var fields = store.fromForm(Array.from(new FormData(form).entries()));
      if (navigator.onLine) {
        // Sent now; the service worker keeps it if the signal drops on the way.
        store.remove(fields.draft_id);
        return;
      }
      evt.preventDefault();
      store.put({ id: fields.draft_id, saved_at: new Date().toISOString(), fields: fields, status: "pending" })
        .then(function () {
          form.reset();
          ["lon", "lat"].forEach(function (name) { if (form.elements[name]) { form.elements[name].value = ""; } });
          id.value = store.newId();
          var map = document.getElementById("point-map");
          if (map) { map.dispatchEvent(new Event("jingwu:point")); }
          return refresh(text.offline);
        });
    });
    if (new URLSearchParams(window.location.search).has("kept")) { refresh(text.offline); }
  }

  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { refresh(text.offline_now); });
  refresh().then(flush);
})();

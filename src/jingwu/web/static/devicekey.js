// Device keys (WebAuthn): sign in with one, and enrol one, through navigator.credentials.
// The server's options arrive as JSON with base64url strings; the browser wants bytes.
(function () {
  "use strict";

  function toBytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var raw = atob(b64), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer), raw = "";
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function post(url, fields) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrfToken(), "Accept": "application/json" },
      body: new URLSearchParams(fields || {})
    }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  function descriptors(list) {
    return (list || []).map(function (c) {
      return { type: c.type, id: toBytes(c.id), transports: c.transports };
    });
  }

  function asJSON(cred) {
    var r = cred.response;
    var out = {
      id: cred.id, rawId: toText(cred.rawId), type: cred.type,
      response: { clientDataJSON: toText(r.clientDataJSON) },
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {}
    };
    if (r.attestationObject) {
      out.response.attestationObject = toText(r.attestationObject);
      if (r.getTransports) out.response.transports = r.getTransports();
    }
    if (r.authenticatorData) {
      out.response.authenticatorData = toText(r.authenticatorData);
      out.response.signature = toText(r.signature);
      if (r.userHandle) out.response.userHandle = toText(r.userHandle);
    }
    return JSON.stringify(out);
  }

  function fail(button, status) {
    if (status) { status.textContent = button.getAttribute("data-failed"); status.hidden = false; }
    button.disabled = false;
  }

  function signIn(button) {
    var form = button.form, status = document.getElementById("device-key-status");
    if (!form.reportValidity()) return;
    button.disabled = true;
    post("/login/device-key", { username: form.username.value }).then(function (o) {
      o.challenge = toBytes(o.challenge);
      o.allowCredentials = descriptors(o.allowCredentials);
      return navigator.credentials.get({ publicKey: o });
    }).then(function (cred) {
      form.device_key.value = asJSON(cred);
      form.code.value = "";
      form.submit();
    }).catch(function () { fail(button, status); });
  }

  function enrol(button) {
    var form = button.form, status = document.getElementById("device-key-status");
    button.disabled = true;
    post("/account/device-keys/options").then(function (o) {
      o.challenge = toBytes(o.challenge);
      o.user.id = toBytes(o.user.id);
      o.excludeCredentials = descriptors(o.excludeCredentials);
      return navigator.credentials.create({ publicKey: o });
    }).then(function (cred) {
      form.credential.value = asJSON(cred);
      form.submit();
    }).catch(function () { fail(button, status); });
  }

  document.addEventListener("click", function (evt) {
    var button = evt.target.closest ? evt.target.closest("[data-device-key]") : null;
    if (!button) return;
    evt.preventDefault();
    if (!window.PublicKeyCredential) { fail(button, document.getElementById("device-key-status")); return; }
    if (button.getAttribute("data-device-key") === "sign-in") signIn(button); else enrol(button);
  });
})();

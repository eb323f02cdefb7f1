// Jingwu shell: CSRF header for htmx requests, live countdowns.
(function () {
  "use strict";
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  document.addEventListener("htmx:configRequest", function (evt) {
    evt.detail.headers["X-CSRF-Token"] = csrfToken();
  });
  // Show 4xx fragments (validation and permission messages) instead of ignoring them.
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var status = evt.detail.xhr.status;
    if (status === 409 || status === 422 || status === 403 || status === 400) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });
  function tick() {
    document.querySelectorAll(".countdown[data-seconds]").forEach(function (el) {
      var left = parseInt(el.getAttribute("data-seconds"), 10) - 1;
      if (left <= 0) {
        left = 0;
        var box = el.closest("[hx-get]");
        if (box && window.htmx && !box.dataset.refreshing) {
          box.dataset.refreshing = "1";
          window.htmx.ajax("GET", box.getAttribute("hx-get"), { target: box, swap: "innerHTML" })
            .then(function () { delete box.dataset.refreshing; });
        }
      }
      el.setAttribute("data-seconds", String(left));
      el.textContent = String(left);
    });
  }
  setInterval(tick, 1000);
  // Selects that save their form when changed (no inline handlers: the CSP forbids them).
  document.addEventListener("change", function (evt) {
    var el = evt.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) { el.form.submit(); }
  });
  // Print buttons (documents such as the mediation agreement).
  document.addEventListener("click", function (evt) {
    if (evt.target.closest && evt.target.closest("[data-print]")) { window.print(); }
  });
  // Demo mode: clicking a demo account fills the sign-in form (password and current code).
  document.addEventListener("click", function (evt) {
    var row = evt.target.closest && evt.target.closest("tr.pick[data-user]");
    var form = document.getElementById("username");
    if (!row || !form) { return; }
    var code = row.querySelector(".otp");
    form.value = row.getAttribute("data-user");
    document.getElementById("password").value = "jingwu-demo";
    document.getElementById("code").value = code ? code.getAttribute("data-code") : "";
  });
})();
// Phones: the menu button shows and hides the navigation.
(function () {
  "use strict";
  document.addEventListener("click", function (evt) {
    var button = evt.target.closest && evt.target.closest("#menu-toggle");
    if (!button) { return; }
    var bar = document.getElementById("topbar");
    var open = bar.classList.toggle("open");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
// Phones show each table row as a card: every cell carries its column heading.
(function () {
  "use strict";
  function label(root) {
    root.querySelectorAll("table.grid").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      if (!heads.length) { return; }
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        var column = 0;
        Array.prototype.forEach.call(tr.children, function (cell) {
          var span = cell.colSpan || 1;
          if (span === 1 && heads[column] && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", heads[column]);
          }
          column += span;
        });
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { label(document); });
  } else {
    label(document);
  }
  document.addEventListener("htmx:afterSettle", function () { label(document); });
})();
// Evidence uploads (the order page's evidence panel): progress, then the panel refreshed.
(function () {
  if (window.jingwuEvidenceUpload) { return; }
  window.jingwuEvidenceUpload = true;
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  function refresh(order) {
    var target = document.getElementById("evidence-panel");
    if (window.htmx && target) {
      window.htmx.ajax("GET", "/evidence/orders/" + encodeURIComponent(order), { target: target, swap: "outerHTML" });
    } else {
      window.location.reload();
    }
  }
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!form.matches || !form.matches("form.evidence-upload") || !window.FormData) { return; }
    evt.preventDefault();
    var data = new FormData(form);
    data.append("order", form.dataset.order);
    var bar = form.querySelector(".upload-progress");
    var status = form.querySelector(".upload-status");
    var button = form.querySelector("button[type=submit]");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/evidence");
    xhr.setRequestHeader("X-CSRF-Token", csrf());
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) {
        bar.max = e.total;
        bar.value = e.loaded;
        status.textContent = form.dataset.uploading + " " + Math.round((100 * e.loaded) / e.total) + "%";
      }
    };
    xhr.onload = function () {
      button.disabled = false;
      if (xhr.status === 201) {
        status.textContent = form.dataset.recorded;
        refresh(form.dataset.order);
        return;
      }
      var message = form.dataset.failed;
      try { message = JSON.parse(xhr.responseText).error.message; } catch (ignored) { /* not JSON */ }
      status.textContent = message;
      status.className = "upload-status err";
    };
    xhr.onerror = function () {
      button.disabled = false;
      status.textContent = form.dataset.failed;
      status.className = "upload-status err";
    };
    bar.hidden = false;
    bar.value = 0;
    button.disabled = true;
    status.className = "upload-status";
    status.textContent = form.dataset.uploading;
    xhr.send(data);
  });
  // Tab strips that scroll sideways on a phone fade at the edge with more tabs behind it
  // (data-more="left|right|both"), and the current tab is scrolled into view.
  function markTabs() {
    document.querySelectorAll(".tabs").forEach(function (strip) {
      var left = strip.scrollLeft > 1;
      var right = strip.scrollLeft + strip.clientWidth < strip.scrollWidth - 1;
      var more = left && right ? "both" : left ? "left" : right ? "right" : "";
      if (more) { strip.setAttribute("data-more", more); } else { strip.removeAttribute("data-more"); }
    });
  }
  document.querySelectorAll(".tabs").forEach(function (strip) {
    var current = strip.querySelector('[aria-current="page"]');
    if (current && strip.scrollWidth > strip.clientWidth) {
      strip.scrollLeft = Math.max(0, current.offsetLeft - strip.offsetLeft - strip.clientWidth / 3);
    }
    strip.addEventListener("scroll", markTabs, { passive: true });
  });
  window.addEventListener("resize", markTabs);
  markTabs();
  // Leaflet's zoom buttons are titled in English; the page gives their names in its language.
  function nameZoomButtons() {
    ["in", "out"].forEach(function (which) {
      var name = document.body.getAttribute("data-zoom-" + which);
      document.querySelectorAll(".leaflet-control-zoom-" + which).forEach(function (button) {
        if (name) { button.title = name; button.setAttribute("aria-label", name); }
      });
    });
  }
  nameZoomButtons();
  window.addEventListener("load", nameZoomButtons);
})();

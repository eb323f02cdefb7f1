// Online consultation: the conversation arrives by server-sent events; lines go by POST.
(function () {
  "use strict";
  var chat = document.getElementById("chat");
  if (!chat) return;
  var lines = document.getElementById("lines");
  var status = document.getElementById("chat-status");
  var form = document.getElementById("send-form");
  var seen = {};
  var closedLine = false; // the "has ended" notice came as a line: say it once only

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function add(line) {
    if (seen[line.seq]) return;
    seen[line.seq] = true;
    if (line.notice === "closed") closedLine = true;
    var li = document.createElement("li");
    li.className = "cs-" + line.sender;
    li.dataset.seq = line.seq;
    var who = document.createElement("span");
    who.className = "cs-who";
    who.textContent = line.who + " · " + line.at;
    var body = document.createElement("span");
    body.className = "cs-body";
    body.textContent = line.body;
    if (line.sender !== "system") li.appendChild(who);
    li.appendChild(body);
    lines.appendChild(li);
    lines.scrollTop = lines.scrollHeight;
  }

  var source = new EventSource(chat.dataset.events);
  source.addEventListener("message", function (e) { add(JSON.parse(e.data)); });
  source.addEventListener("end", function () {
    source.close();
    if (!closedLine) status.textContent = chat.dataset.ended;
    if (form) {
      form.hidden = true;
      form.querySelectorAll("textarea, button").forEach(function (el) { el.disabled = true; });
    }
    document.querySelectorAll("[data-while-open]").forEach(function (el) { el.hidden = true; });
  });

  if (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var field = form.elements.body;
      var text = field.value.trim();
      if (!text) return;
      var button = form.querySelector("button");
      button.disabled = true;
      fetch(chat.dataset.send, {
        method: "POST",
        headers: { "X-CSRF-Token": csrf(), "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ body: text }),
        credentials: "same-origin"
      }).then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        field.value = "";
        status.textContent = "";
      }).catch(function () {
        status.textContent = chat.dataset.failed;
      }).then(function () { button.disabled = false; field.focus(); });
    });
  }
})();

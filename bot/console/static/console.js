// Staff console: the little JavaScript it needs.
// - every page polls the queue: the count in the menu, and an alert for a new
//   urgent handoff that cannot be missed (banner, flashing title, a beep, and a
//   desktop notification when allowed);
// - the queue page redraws its table from the same data;
// - a conversation page reloads its transcript while it is open.
// Everything shown comes from the server; text is set with textContent, and the
// transcript fragment is server-rendered HTML with every value escaped.
(function () {
  "use strict";

  var QUEUE_EVERY_MS = 4000;
  var TRANSCRIPT_EVERY_MS = 3000;
  var page = document.body.getAttribute("data-page");
  if (page === "login") return;

  var acknowledged = {};
  try { acknowledged = JSON.parse(sessionStorage.getItem("urgent-ack") || "{}"); } catch (e) { acknowledged = {}; }
  var baseTitle = document.title;
  var flashTimer = null;

  function beep() {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return;
      var ctx = new Ctx();
      [0, 0.35, 0.7].forEach(function (at) {
        var osc = ctx.createOscillator();
        var gain = ctx.createGain();
        osc.frequency.value = 880;
        gain.gain.value = 0.2;
        osc.connect(gain); gain.connect(ctx.destination);
        osc.start(ctx.currentTime + at); osc.stop(ctx.currentTime + at + 0.2);
      });
    } catch (e) { /* sound is a bonus; the banner is the alert */ }
  }

  // The flashing title in the console's language (the banner's data-title).
  function urgentTitle() {
    var alertBox = document.getElementById("urgent-alert");
    return (alertBox && alertBox.dataset.title) || "URGENT patient waiting";
  }

  function flashTitle(on) {
    if (on && !flashTimer) {
      var odd = false;
      flashTimer = setInterval(function () {
        odd = !odd;
        document.title = odd ? urgentTitle() : baseTitle;
      }, 1000);
    } else if (!on && flashTimer) {
      clearInterval(flashTimer); flashTimer = null; document.title = baseTitle;
    }
  }

  function showUrgent(ids, handoffs) {
    var alertBox = document.getElementById("urgent-alert");
    if (!alertBox) return;
    var fresh = ids.filter(function (id) { return !acknowledged[id]; });
    if (!fresh.length) { alertBox.hidden = true; alertBox.classList.remove("flash"); flashTitle(false); return; }
    var first = handoffs.filter(function (h) { return h.id === fresh[0]; })[0];
    var link = document.getElementById("urgent-link");
    if (first && link) link.href = "/staff/conversations/" + encodeURIComponent(first.conversation_id);
    var wasHidden = alertBox.hidden;
    alertBox.hidden = false;
    alertBox.classList.add("flash");
    flashTitle(true);
    if (wasHidden) {
      beep();
      if (window.Notification && Notification.permission === "granted") {
        var title = alertBox.dataset.notification || "Urgent: a patient reported red-flag symptoms";
        new Notification(title, { tag: "urgent-" + fresh[0] });
      }
    }
  }

  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function waiting(seconds) {
    var minutes = Math.floor(seconds / 60);
    return minutes < 60 ? minutes + " min" : Math.floor(minutes / 60) + " h " + (minutes % 60) + " min";
  }

  function label(id) {
    return /^(whatsapp:)?\+?[0-9]{8,15}$/.test(id) ? "WhatsApp •••" + id.slice(-2) : id.slice(0, 8);
  }

  // The queue's texts in the console's language, from the table's data-* attributes.
  function queueText(name, fallback) {
    var table = document.querySelector("table.queue");
    return (table && table.dataset[name]) || fallback;
  }

  function drawQueue(handoffs) {
    var body = document.getElementById("queue-rows");
    if (!body) return;
    body.textContent = "";
    if (!handoffs.length) {
      var empty = document.createElement("tr");
      cell(empty, queueText("empty", "Nobody is waiting.")).colSpan = 8;
      body.appendChild(empty);
      return;
    }
    handoffs.forEach(function (h) {
      var row = document.createElement("tr");
      if (h.urgent) row.className = "urgent";
      cell(row, h.urgent ? queueText("urgent", "URGENT") : queueText("normal", "normal"));
      cell(row, label(h.conversation_id)).setAttribute("translate", "no");
      // The server names values in the console's language (*_text); the raw values are fallbacks.
      cell(row, h.channel_text || h.channel);
      cell(row, h.language_text || h.language || "");
      cell(row, h.reason_text || h.reason);
      cell(row, h.waiting_text || waiting(h.waiting_seconds));
      var status = h.status_text || h.status;
      cell(row, status + (h.claimed_by ? " " + queueText("by", "by") + " " + h.claimed_by : ""));
      var open = document.createElement("a");
      open.href = "/staff/conversations/" + encodeURIComponent(h.conversation_id);
      open.textContent = queueText("open", "Open");
      cell(row, "").appendChild(open);
      body.appendChild(row);
    });
  }

  function pollQueue() {
    fetch("/staff/api/queue", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (r.status === 401) { window.location.href = "/staff/login"; throw new Error("signed out"); }
        return r.json();
      })
      .then(function (data) {
        var count = document.getElementById("queue-count");
        if (count) count.textContent = data.handoffs.length ? String(data.handoffs.length) : "";
        drawQueue(data.handoffs);
        showUrgent(data.urgent_open, data.handoffs);
      })
      .catch(function () { /* try again next time */ })
      .then(function () { setTimeout(pollQueue, QUEUE_EVERY_MS); });
  }

  function pollTranscript() {
    var box = document.getElementById("transcript");
    if (!box) return;
    var last = box.innerHTML;
    function tick() {
      // Do not redraw under someone choosing a correction.
      if (box.contains(document.activeElement)) { setTimeout(tick, TRANSCRIPT_EVERY_MS); return; }
      fetch(box.getAttribute("data-src"), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html !== null && html !== last) {
            var atBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 40;
            box.innerHTML = html; // server-rendered, escaped by Jinja2
            last = html;
            if (atBottom) window.scrollTo(0, document.body.scrollHeight);
          }
        })
        .catch(function () {})
        .then(function () { setTimeout(tick, TRANSCRIPT_EVERY_MS); });
    }
    setTimeout(tick, TRANSCRIPT_EVERY_MS);
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.id === "urgent-ack") {
      var box = document.getElementById("urgent-alert");
      fetch("/staff/api/queue", { credentials: "same-origin" }).then(function (r) { return r.json(); })
        .then(function (data) {
          data.urgent_open.forEach(function (id) { acknowledged[id] = true; });
          sessionStorage.setItem("urgent-ack", JSON.stringify(acknowledged));
          box.hidden = true; box.classList.remove("flash"); flashTitle(false);
        });
    }
    if (target && target.getAttribute && target.getAttribute("data-confirm")) {
      if (!window.confirm(target.getAttribute("data-confirm"))) event.preventDefault();
    }
    if (window.Notification && Notification.permission === "default") Notification.requestPermission();
  });

  pollQueue();
  if (page === "conversation") pollTranscript();
})();

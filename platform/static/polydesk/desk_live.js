// desk-live: the supervisors' wall updating in place, notifications (sound and the
// browser's Notification API) for new work, and the collision notice on an item page.
(function () {
  "use strict";

  function json(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) {
      return values[name] === undefined ? all : values[name];
    });
  }

  // --- The wall: its tables are fetched again (rendered by the server with the page's own
  // template) and swapped in; no reload, so the scroll position and an open link stay.
  var wall = document.getElementById("wall");
  var wallLive = document.getElementById("wall-live");
  if (wall && wallLive && wall.dataset.liveUrl) {
    var wallBusy = false;
    setInterval(function () {
      if (wallBusy || document.hidden) { return; }
      wallBusy = true;
      fetch(wall.dataset.liveUrl, {credentials: "same-origin", headers: {"Accept": "text/html"}})
        .then(function (response) {
          if (response.redirected) { window.location.reload(); return null; }  // signed out
          return response.ok ? response.text() : null;
        })
        .then(function (html) { if (html) { wallLive.innerHTML = html; } })
        .catch(function () { /* offline for a moment: the next poll tries again */ })
        .then(function () { wallBusy = false; });
    }, 1000 * Number(wall.dataset.liveSeconds || 5));
  }

  // --- Notifications: what the desk's live poll brings that was not there before.
  var preferences = json("notify-preferences");
  var texts = json("notify-texts") || {};
  var audio = null;

  function beep(kind) {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return; }
    audio = audio || new Context();
    // A call rings twice, higher; other work one softer tone.
    var tones = kind === "call" ? [880, 0, 880] : [660];
    tones.forEach(function (frequency, index) {
      if (!frequency) { return; }
      var oscillator = audio.createOscillator();
      var gain = audio.createGain();
      var start = audio.currentTime + index * 0.18;
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.15, start);
      gain.gain.exponentialRampToValueAtTime(0.001, start + 0.16);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start);
      oscillator.stop(start + 0.17);
    });
  }

  function notify(kind, title, body, url) {
    if (!preferences) { return; }
    if (preferences[kind + "_sound"]) {
      try { beep(kind); } catch (error) { /* no sound device: the desktop notice remains */ }
    }
    if (preferences[kind + "_desktop"] && "Notification" in window
        && Notification.permission === "granted") {
      var notice = new Notification(title, {body: body, tag: "polydesk-" + kind + "-" + (url || "")});
      notice.onclick = function () {
        window.focus();
        if (url) { window.location.href = url; }
        notice.close();
      };
    }
  }

  var permission = document.getElementById("notify-permission");
  function permissionShow() {
    if (!permission) { return; }
    var allow = document.getElementById("notify-allow");
    var state = document.getElementById("notify-state");
    if (!("Notification" in window)) { permission.hidden = true; return; }
    var wanted = preferences && (preferences.call_desktop || preferences.chat_desktop
      || preferences.queue_desktop);
    if (allow) { allow.hidden = Notification.permission !== "default" || !wanted; }
    if (state) {
      state.textContent = Notification.permission === "default" ? ""
        : (Notification.permission === "granted" ? permission.dataset.granted : permission.dataset.denied);
    }
  }
  if (permission) {
    // The browser asks only after a click (browsers refuse a request nobody clicked for).
    var allowButton = document.getElementById("notify-allow");
    if (allowButton) {
      allowButton.addEventListener("click", function () {
        Notification.requestPermission().then(permissionShow);
      });
    }
    var tryButton = document.getElementById("notify-test");
    if (tryButton) {
      tryButton.addEventListener("click", function () {
        var before = preferences;
        preferences = {test_sound: true, test_desktop: true};
        notify("test", texts.test || "Polydesk", "");
        preferences = before;
      });
    }
    permissionShow();
  }

  function itemIds(selector) {
    var ids = {};
    document.querySelectorAll(selector + " a[href^='/desk/items/']").forEach(function (link) {
      ids[link.getAttribute("href").split("/")[3]] = true;
    });
    return ids;
  }

  // What the page showed when it was rendered is known; only what comes later is news.
  var mine = itemIds("#my-items");
  var waitingCount = document.getElementById("waiting-count");
  var waiting = waitingCount ? Number(waitingCount.textContent.replace(/\D/g, "")) : null;
  var heads = null;

  // Returns whether something was new.
  function mineNews(items) {
    var nowMine = {};
    var fresh = false;
    (items || []).forEach(function (item) {
      nowMine[item.id] = true;
      if (mine[item.id]) { return; }
      fresh = true;
      var url = "/desk/items/" + item.id;
      var values = {client: item.client, summary: item.summary};
      if (item.channel === "call") {
        notify("call", fill(texts.call || "{client}", values), item.summary, url);
      } else if (item.channel !== "email") {
        notify("chat", fill(texts.chat || "{client}", values), item.summary, url);
      } else {
        notify("queue", fill(texts.mine || "{client}", values), item.summary, url);
      }
    });
    mine = nowMine;
    return fresh;
  }

  function queueNews(data) {
    var nowHeads = {};
    (data.head || []).forEach(function (item) { nowHeads[item.id] = item; });
    if (waiting !== null && data.waiting > waiting) {
      var fresh = (data.head || []).filter(function (item) { return heads && !heads[item.id]; });
      var first = fresh[0] || (data.head || [])[0];
      notify(
        "queue",
        fill(texts.queue || "{count}", {count: data.waiting}),
        first ? first.client + " · " + first.summary : "",
        first ? "/desk/items/" + first.id : ""
      );
    }
    heads = nowHeads;
    waiting = data.waiting;
  }

  // The pulse the page last saw (routing/pulse.py): the page's own, then each inbox's.
  var notifyLive = document.getElementById("notify-live");
  var pulse = notifyLive ? notifyLive.dataset.pulse || "" : "";

  document.addEventListener("desk:live", function (event) {
    // The inbox's pulse was read before its inbox: what changed after it changes it again.
    if (event.detail.pulse) { pulse = event.detail.pulse; }
    mineNews(event.detail.items);
    queueNews(event.detail);
  });

  function poll(url, seconds, use) {
    var busy = false;
    setInterval(function () {
      if (busy) { return; }
      busy = true;
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok && !response.redirected ? response.json() : null; })
        .then(function (data) { if (data) { use(data); } })
        .catch(function () { /* the next poll tries again */ })
        .then(function () { busy = false; });
    }, 1000 * seconds);
  }

  // Pages without the live inbox (an item's page) ask for the queue's news themselves.
  function liveUse(data) {
    if (data.pulse) { pulse = data.pulse; }
    mineNews(data.items);
    queueNews(data);
  }

  function liveNews() {
    fetch(notifyLive.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok && !response.redirected ? response.json() : null; })
      .then(function (data) { if (data) { liveUse(data); } })
      .catch(function () { /* the pulse or the next poll tries again */ });
  }

  if (preferences && notifyLive) {
    // Every second one cheap question: has anything changed for this agent (work queued for
    // one of their clients, given to them, taken back)? The inbox is fetched only then, so a
    // new item is on the screen within about a second, at the cost of a cache read.
    poll(notifyLive.dataset.pulseUrl, Number(notifyLive.dataset.pulseSeconds || 1), function (data) {
      if (!data.pulse || data.pulse === pulse) { return; }
      pulse = data.pulse;
      if (window.deskRefresh) { window.deskRefresh(); } else { liveNews(); }
    });
    // Also now and then whatever the pulse says: what it does not count (the waits growing,
    // a promise falling due) and a pulse that could not be read.
    if (!document.getElementById("inbox")) {
      poll(notifyLive.dataset.url, Number(notifyLive.dataset.seconds || 15), liveUse);
    }
  }

  // --- The collision notice: who else has this conversation open, and who types in it.
  var collision = document.getElementById("collision");
  if (collision && collision.dataset.url) {
    var typed = false;
    document.addEventListener("input", function (event) {
      if (event.target.closest("textarea, input[type=text]")) { typed = true; }
    });
    var beat = function () {
      var form = new FormData();
      form.append("csrfmiddlewaretoken", csrf());
      form.append("typing", typed ? "1" : "0");
      typed = false;
      fetch(collision.dataset.url, {method: "POST", body: form, credentials: "same-origin",
        headers: {"X-CSRFToken": csrf()}})
        .then(function (response) { return response.ok && !response.redirected ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          var lines = data.others.map(function (other) {
            var text = other.typing ? collision.dataset.typing : collision.dataset.viewing;
            return fill(text, {name: other.name});
          });
          collision.textContent = lines.join(" ");
          collision.hidden = lines.length === 0;
          collision.classList.toggle("typing", data.others.some(function (o) { return o.typing; }));
        })
        .catch(function () { /* the next beat tries again */ });
    };
    beat();
    setInterval(beat, 1000 * Number(collision.dataset.seconds || 5));
    window.addEventListener("pagehide", function () {
      var form = new FormData();
      form.append("csrfmiddlewaretoken", csrf());
      form.append("leave", "1");
      navigator.sendBeacon(collision.dataset.url, form);
    });
  }
}());

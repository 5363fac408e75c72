// A chat on the item page (desk/_chat_live.html): every few seconds, the messages after the
// last one shown join the thread and "The customer is typing…" shows while they type; the
// agent's typing in the reply box is told to the server (at most every 3 s), which shows it
// in the customer's widget.
(function () {
  "use strict";
  var live = document.getElementById("chat-live");
  var thread = document.getElementById("thread");
  if (!live || !thread) { return; }

  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function lastShown() {
    var last = Number(live.dataset.after || 0);
    thread.querySelectorAll("li[id^='message-']").forEach(function (item) {
      last = Math.max(last, Number(item.id.slice("message-".length)) || 0);
    });
    return last;
  }

  function add(html) {
    var holder = document.createElement("ol");
    holder.innerHTML = html;
    Array.prototype.slice.call(holder.children).forEach(function (item) {
      if (!document.getElementById(item.id)) { thread.appendChild(item); }
    });
  }

  var busy = false;
  function news() {
    if (busy || document.hidden) { return; }
    busy = true;
    var url = live.dataset.url + "?after=" + lastShown();
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok && !response.redirected ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (data.html) { add(data.html); }
        live.dataset.after = String(Math.max(Number(live.dataset.after || 0), data.last || 0));
        live.textContent = data.typing ? live.dataset.typing : "";
      })
      .catch(function () { /* the next poll tries again */ })
      .then(function () { busy = false; });
  }
  setInterval(news, 1000 * Number(live.dataset.seconds || 2));
  document.addEventListener("visibilitychange", news);

  var told = 0;
  var box = document.getElementById("reply-text");
  if (box && live.dataset.typingUrl) {
    box.addEventListener("input", function () {
      var now = Date.now();
      if (now - told < 3000) { return; }
      told = now;
      var form = new FormData();
      form.append("csrfmiddlewaretoken", csrf());
      fetch(live.dataset.typingUrl, {method: "POST", body: form, credentials: "same-origin",
        headers: {"X-CSRFToken": csrf()}}).catch(function () { /* typing is a hint only */ });
    });
  }
}());

// The agent desk in the browser: live inbox, canned replies, keyboard shortcuts.
(function () {
  "use strict";

  // The inbox refreshes itself: the server renders it (same template, same escaping) and
  // this only swaps it in. The page title shows how much waits, for a tab in the background.
  var inbox = document.getElementById("inbox");
  if (inbox && inbox.dataset.liveUrl) {
    var baseTitle = document.title;
    var refresh = function () {
      fetch(inbox.dataset.liveUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          inbox.innerHTML = data.html;
          document.dispatchEvent(new CustomEvent("desk:live", {detail: data}));
          document.title = (data.waiting ? "(" + data.waiting + ") " : "") + baseTitle;
        })
        .catch(function () { /* offline for a moment: the next poll tries again */ });
    };
    // desk_live.js refreshes at once when the desk's pulse changes (new work for the agent
    // or in their queue); this slower poll brings what the pulse does not count (the waits
    // growing, a promise falling due) and keeps the desk's heartbeat.
    setInterval(refresh, 1000 * Number(inbox.dataset.liveSeconds || 15));
    window.deskRefresh = refresh;
  }

  // A canned reply goes into the reply box, where the agent can still edit it.
  document.querySelectorAll(".use-reply").forEach(function (button) {
    button.addEventListener("click", function () {
      var box = document.getElementById("reply-text");
      if (!box) { return; }
      box.value = button.dataset.text;
      box.focus();
    });
  });

  function submit(id) {
    var form = document.getElementById(id);
    if (form) { form.requestSubmit(); }
    return Boolean(form);
  }

  function presence(value) {
    var form = document.getElementById("presence-form");
    if (!form) { return false; }
    form.elements.presence.value = value;
    form.requestSubmit();
    return true;
  }

  var help = document.getElementById("shortcuts-help");
  var home = document.getElementById("home-link");
  var actions = {
    "n": function () { return submit("take-next-form"); },
    "d": function () { return submit("done-form"); },
    "c": function () { return submit("call-back-form"); },
    "r": function () {
      var box = document.getElementById("reply-text");
      if (box) { box.focus(); }
      return Boolean(box);
    },
    "s": function () {
      // Opens the spam card; its one button confirms (Enter), nothing is marked by "s".
      var card = document.getElementById("spam-card");
      var confirm = document.getElementById("spam-confirm");
      if (!card || !confirm) { return false; }
      card.open = true;
      confirm.focus();
      return true;
    },
    "a": function () { return presence("available"); },
    "b": function () { return presence("busy"); },
    "w": function () { return presence("away"); },
    "h": function () { if (home) { window.location = home.href; } return Boolean(home); },
    "?": function () {
      if (!help) { return false; }
      if (help.open) { help.close(); } else { help.showModal(); }
      return true;
    },
  };

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target.closest("input, textarea, select, [contenteditable]");
    if (typing) {
      // Ctrl+Enter (Cmd+Enter) sends the form being written.
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target.form) {
        event.preventDefault();
        target.form.requestSubmit();
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var action = actions[event.key];
    if (action && action()) { event.preventDefault(); }
  });

  // The customer's orders from the client's shop: fetched after the page has shown (a slow
  // shop never holds it; the server answers within the shop's timeout). The one order the
  // conversation is about fills {order_number} and {tracking_link} of the canned replies.
  var orders = document.getElementById("orders");
  if (orders && orders.dataset.url) {
    fetch(orders.dataset.url, {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var heading = orders.querySelector("h2");
        orders.innerHTML = "";
        if (heading) { orders.appendChild(heading); }
        orders.insertAdjacentHTML("beforeend", html);
        var found = document.getElementById("orders-found");
        var values = found ? {
          order_number: found.dataset.orderNumber, tracking_link: found.dataset.trackingLink
        } : {};
        document.querySelectorAll(".use-reply").forEach(function (button) {
          button.dataset.text = button.dataset.text.replace(
            /(?<!\{)\{(order_number|tracking_link)\}(?!\})/g,
            function (match, name) { return values[name] || match; });
        });
      })
      .catch(function () { /* the panel keeps its "looking up" line */ });
  }

  // The orders of each ringing or held call's caller in its screen pop: fetched once the pop
  // has shown, kept here so that the inbox's refresh (which redraws the pops) puts them back
  // at once instead of asking again.
  var popOrders = {};
  function showPopOrders(panel, html) {
    var heading = panel.querySelector("h3");
    panel.innerHTML = "";
    if (heading) { panel.appendChild(heading); }
    panel.insertAdjacentHTML("beforeend", html);
  }
  function fillPopOrders() {
    document.querySelectorAll(".pop-orders[data-url]").forEach(function (panel) {
      var url = panel.dataset.url;
      if (typeof popOrders[url] === "string") { showPopOrders(panel, popOrders[url]); return; }
      if (popOrders[url]) { return; }  // asked already: the answer fills the panel drawn then
      popOrders[url] = true;
      fetch(url, {credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html === null) { delete popOrders[url]; return; }
          popOrders[url] = html;
          document.querySelectorAll(".pop-orders[data-url]").forEach(function (drawn) {
            if (drawn.dataset.url === url) { showPopOrders(drawn, html); }
          });
        })
        .catch(function () { delete popOrders[url]; });
    });
  }
  fillPopOrders();
  document.addEventListener("desk:live", fillPopOrders);

  // An item page is open: tell the router every 30 s (a silent desk goes offline after 90 s).
  var heartbeat = document.getElementById("desk-heartbeat");
  if (heartbeat && heartbeat.dataset.url) {
    setInterval(function () {
      var token = document.querySelector("input[name=csrfmiddlewaretoken]");
      fetch(heartbeat.dataset.url, {method: "POST", credentials: "same-origin",
        headers: {"X-CSRFToken": token ? token.value : ""}});
    }, 30000);
  }
}());

// Polydesk's chat widget on a client's shop site: one <script src="<portal>/static/polydesk/widget.js"
// async> tag. Its API is the script's own origin (the client's portal, /widget/v1/); it draws
// in a Shadow DOM with its own stylesheet (widget.css beside this file), so the shop's styles
// neither break it nor are broken by it. Every word it shows comes from the config's texts,
// in the page's language: the script has none of its own. No cookies: the chat's token and
// the visitor's random id live in the shop's localStorage, keyed by the portal's origin.
// No framework and no build step (docs/how-to.md, "Add the widget to a shop").
(function () {
  "use strict";

  const script = document.currentScript;
  if (!script || !script.src) { return; }
  const BASE = new URL(script.src).origin;
  const API = BASE + "/widget/v1";
  const STYLESHEET = script.src.replace(/widget\.js(\?.*)?$/, "widget.css");
  const STORE = "polydesk-widget:" + BASE;
  const registry = (window.__polydeskWidgets = window.__polydeskWidgets || {});
  if (registry[BASE]) { return; }  // the snippet pasted twice
  registry[BASE] = true;

  const LIVE_TIMEOUT = 40000;  // the live process answers within ~25 s
  const REFRESH_EVERY = 15000;  // a fetch of the chat even when the live process is silent
  const TYPING_EVERY = 3000;
  const SUGGEST_AFTER = 250;
  const TYPING_SHOWN = 7000;

  // --- Small tools -----------------------------------------------------------------------
  function h(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) { continue; }
      if (name.startsWith("on")) { element.addEventListener(name.slice(2), value); }
      else if (name === "text") { element.textContent = value; }
      else { element.setAttribute(name, value === true ? "" : value); }
    }
    for (const child of children.flat(Infinity)) {
      if (child !== null && child !== undefined && child !== false) {
        element.append(child.nodeType ? child : String(child));
      }
    }
    return element;
  }

  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, (all, name) =>
      values[name] === undefined || values[name] === null ? all : values[name]);
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // A link from elsewhere (the shop's tracking link) as an href: an http(s) address only,
  // never javascript: or data: ("" for anything else).
  function webUrl(value) {
    let url;
    try { url = new URL(String(value)); } catch (e) { return ""; }
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : "";
  }

  function randomId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function stored() {
    try { return JSON.parse(localStorage.getItem(STORE)) || {}; } catch (e) { return {}; }
  }

  let memory = stored();
  function remember(changes) {
    memory = Object.assign({}, memory, changes);
    try { localStorage.setItem(STORE, JSON.stringify(memory)); } catch (e) { /* private mode */ }
  }
  if (!memory.visitor) { remember({visitor: randomId()}); }

  class Failure extends Error {
    constructor(status, detail, body) { super(detail); this.status = status; this.body = body; }
  }

  // One call of the widget's API: the answer's JSON, or a Failure with the server's detail
  // (in the customer's language), or with the network's own reason (status 0).
  async function call(method, path, body, options) {
    const init = {method: method, credentials: "omit", mode: "cors"};
    const timeout = (options && options.timeout) || 20000;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeout);
    init.signal = abort.signal;
    if (options && options.signal) { options.signal.addEventListener("abort", () => abort.abort()); }
    if (body instanceof FormData) { init.body = body; }
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = {"Content-Type": "application/json"};
    }
    if (options && options.keepalive) { init.keepalive = true; }
    let response;
    try {
      response = await fetch(path.startsWith("http") ? path : API + path, init);
    } catch (error) {
      throw new Failure(0, text("error"));
    } finally {
      clearTimeout(timer);
    }
    let data = null;
    if (response.status !== 204) {
      try { data = await response.json(); } catch (e) { data = null; }
    }
    if (!response.ok) {
      throw new Failure(response.status, (data && data.detail) || text("error"), data);
    }
    return data;
  }

  // The answer to the server's small proof of work (asked after repeated sends, invisible
  // to the customer): a nonce whose SHA-256 after the challenge's prefix begins with the
  // asked number of zero bits; sent back as {id, nonce}.
  async function solve(challenge) {
    const encoder = new TextEncoder();
    const bits = Number(challenge.bits);
    for (let nonce = 0; nonce < 1 << 24; nonce++) {
      const digest = await crypto.subtle.digest("SHA-256", encoder.encode(challenge.prefix + nonce));
      if (leadingZeroBits(new Uint8Array(digest)) >= bits) {
        return {id: challenge.id, nonce: String(nonce)};
      }
    }
    return null;
  }

  function leadingZeroBits(bytes) {
    let count = 0;
    for (const byte of bytes) {
      if (byte !== 0) { return count + Math.clz32(byte) - 24; }
      count += 8;
    }
    return count;
  }

  // A call that may meet the challenge (428): solved, then the same call once more.
  async function callChallenged(method, path, body, options) {
    try {
      return await call(method, path, body, options);
    } catch (failure) {
      const challenge = failure.status === 428 && failure.body && failure.body.challenge;
      // (No crypto.subtle outside a secure context: the shop's page must be https.)
      if (!challenge || !window.crypto || !crypto.subtle) { throw failure; }
      const answer = await solve(challenge);
      if (body instanceof FormData) {
        body.set("challenge_id", answer.id);
        body.set("challenge_nonce", answer.nonce);
      } else {
        body.challenge = answer;
      }
      return call(method, path, body, options);
    }
  }

  // --- State -----------------------------------------------------------------------------
  let config = null;
  let texts = {};
  function text(key) { return texts[key] || ""; }

  const chat = {
    token: memory.token || null,
    seq: 0,
    messages: new Set(),  // the ids shown
    lastId: 0,
    status: "",
    live: null,  // the AbortController of the running long poll
    timer: null,  // the 15-second refresh
    typingSent: 0,
    unread: 0,
  };

  // --- The frame: launcher, panel, header ---------------------------------------------------
  const host = h("div", {"data-polydesk-widget": ""});
  const root = host.attachShadow({mode: "open"});
  const ui = {};
  let fieldCount = 0;

  function build() {
    const colour = /^#[0-9a-fA-F]{6}$/.test(config.colour || "") ? config.colour : "#1f5f99";
    // Custom properties set through the CSSOM: a shop's CSP that refuses inline styles allows it.
    host.style.setProperty("--pd-colour", colour);
    host.style.setProperty("--pd-on-colour", onColour(colour));
    ui.launcher = h("button", {
      class: "launcher", type: "button", "aria-label": text("launcher"), title: text("launcher"),
      "aria-expanded": "false", "aria-controls": "pd-panel", onclick: () => toggle(true),
    }, h("span", {class: "launcher-icon", "aria-hidden": "true"}),
    h("span", {class: "badge", hidden: true, "aria-hidden": "true"}));
    ui.status = h("p", {class: "status"});
    ui.body = h("div", {class: "body"});
    ui.announce = h("div", {class: "sr-only", "aria-live": "polite"});
    ui.panel = h("div", {
      class: "panel", id: "pd-panel", role: "dialog", "aria-modal": "false",
      "aria-labelledby": "pd-title", hidden: true, onkeydown: (event) => {
        if (event.key === "Escape") { event.stopPropagation(); toggle(false); }
      },
    }, h("div", {class: "head"},
      h("div", {class: "who"}, h("h2", {id: "pd-title", class: "title", text: config.client}), ui.status),
      h("button", {
        class: "close", type: "button", "aria-label": text("close"), title: text("close"),
        onclick: () => toggle(false),
      }, h("span", {"aria-hidden": "true", text: "\u00d7"}))),
    ui.body, ui.announce);
    const frame = h("div", {class: "frame", hidden: true}, ui.launcher, ui.panel);
    const sheet = h("link", {rel: "stylesheet", href: STYLESHEET});
    const reveal = () => { frame.hidden = false; };
    sheet.addEventListener("load", reveal);
    sheet.addEventListener("error", reveal);
    root.append(sheet, frame);
    ui.status.className = "status " + (config.open ? "is-open" : "is-closed");
    ui.status.textContent = config.open ? text("status_open")
      : [text("status_closed"), text("opens_at")].filter(Boolean).join(" ");
  }

  function onColour(colour) {
    const [r, g, b] = [1, 3, 5].map((at) => parseInt(colour.slice(at, at + 2), 16) / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4)));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.35 ? "#111111" : "#ffffff";
  }

  function toggle(open, focus = true) {
    ui.panel.hidden = !open;
    ui.launcher.hidden = open;
    ui.launcher.setAttribute("aria-expanded", String(open));
    remember({open: open});
    if (open) {
      chat.unread = 0;
      paintBadge();
      if (!ui.body.firstChild) { showStart(); }
      if (focus) { (ui.body.querySelector("[data-focus]") || ui.panel.querySelector(".close")).focus(); }
    } else if (focus) {
      ui.launcher.focus();
    }
  }

  function paintBadge() {
    const badge = ui.launcher.querySelector(".badge");
    badge.hidden = chat.unread === 0;
    badge.textContent = String(chat.unread || "");
  }

  function show(...nodes) {
    ui.body.classList.remove("thread");
    ui.body.replaceChildren(...nodes.filter(Boolean));
    const target = ui.body.querySelector("[data-focus]");
    if (target && !ui.panel.hidden) { target.focus(); }
  }

  function field(label, control, labelClass) {
    control.id = "pd-f" + ++fieldCount;
    return h("div", {class: "field"}, h("label", {for: control.id, text: label, class: labelClass}), control);
  }

  function errorLine() {
    return h("p", {class: "error", role: "alert", hidden: true});
  }

  function say(line, message) {
    line.textContent = message || "";
    line.hidden = !message;
  }

  // A form checked by the browser (required fields, e-mail addresses: its own messages, in
  // the customer's language), then sent; the button off meanwhile, a refusal shown.
  function form(className, parts, error, onSubmit) {
    const element = h("form", {class: className}, parts);
    element.addEventListener("submit", async (event) => {
      event.preventDefault();
      const buttons = element.querySelectorAll("button[type=submit]");
      buttons.forEach((button) => { button.disabled = true; });
      say(error, "");
      try {
        await onSubmit();
      } catch (failure) {
        say(error, failure.message);
      } finally {
        buttons.forEach((button) => { button.disabled = false; });
      }
    });
    return element;
  }

  function time(iso, withDay) {
    const at = new Date(iso);
    if (isNaN(at)) { return ""; }
    const options = withDay ? {dateStyle: "medium", timeStyle: "short"} : {timeStyle: "short"};
    try { return new Intl.DateTimeFormat(config.language, options).format(at); }
    catch (e) { return at.toLocaleString(); }
  }

  // --- Before a chat: the question, suggested articles, the order status ------------------
  function showStart(orderNumber) {
    const open = config.open;
    const message = h("textarea", {
      rows: "3", required: true, "data-focus": true, maxlength: "10000",
      placeholder: text("message_placeholder"),
    });
    const name = h("input", {type: "text", autocomplete: "name", maxlength: "200"});
    const email = h("input", {type: "email", autocomplete: "email", maxlength: "254", required: !open});
    const error = errorLine();
    const suggestions = h("div", {class: "suggestions"});
    const start = form("start", [
      open ? null : h("p", {class: "note", text: text("email_promise")}),
      orderNumber ? h("p", {class: "note", text: text("order_number_label") + ": " + orderNumber}) : null,
      field(text("message_label"), message),
      suggestions,
      field(text("name_label"), name),
      field(text(open ? "email_label" : "email_required"), email),
      error,
      h("button", {type: "submit", class: "primary", text: text("send")}),
    ], error, () => chatStart({
      text: message.value.trim(), name: name.value.trim(), email: email.value.trim(),
      order_number: orderNumber || undefined,
    }));
    if (config.suggest_articles) { suggestAsTyped(message, suggestions); }
    const help = config.help_url ? h("p", {class: "help"}, h("a", {
      href: new URL(config.help_url, BASE).href, target: "_blank", rel: "noopener", text: text("help_center"),
    })) : null;
    show(start, config.order_status ? orderStatus() : null, help);
  }

  function suggestAsTyped(box, list) {
    let timer = null;
    let asked = "";
    box.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const query = box.value.trim();
        if (query === asked) { return; }
        asked = query;
        if (query.length < 3) { list.replaceChildren(); return; }
        try {
          const found = await call("GET", "/articles?" + new URLSearchParams({q: query, language: config.language}));
          if (asked === query) { paintSuggestions(list, found.articles || []); }  // not overtaken
        } catch (failure) { /* suggestions help; the form works without them */ }
      }, SUGGEST_AFTER);
    });
  }

  // The help article's address with the widget's visitor id: its read is then tied to a chat
  // this visitor starts after it (the deflection figures, docs/kpis.md).
  function articleUrl(path) {
    const link = new URL(path, BASE);
    link.searchParams.set("v", memory.visitor);
    return link.href;
  }

  function paintSuggestions(list, articles) {
    list.replaceChildren(...(articles.length ? [
      h("p", {class: "suggestions-title", text: text("articles_title")}),
      h("ul", {}, articles.map((article) => h("li", {},
        h("a", {
          href: articleUrl(article.url), target: "_blank", rel: "noopener", text: article.title,
          onclick: () => opened(article.id),
        }),
        article.snippet ? h("span", {class: "snippet", text: article.snippet}) : null))),
    ] : []));
  }

  function opened(id) {
    call("POST", "/articles/" + encodeURIComponent(id) + "/opened",
      {visitor: memory.visitor, language: config.language}, {keepalive: true})
      .catch(() => { /* a lost count, never a lost answer */ });
  }

  function orderStatus() {
    const number = h("input", {type: "text", required: true, maxlength: "64", autocomplete: "off"});
    const email = h("input", {type: "email", required: true, maxlength: "254", autocomplete: "email"});
    const error = errorLine();
    const answer = h("div", {class: "order-answer", "aria-live": "polite"});
    const lookup = form("order", [
      field(text("order_number_label"), number), field(text("order_email_label"), email), error,
      h("button", {type: "submit", text: text("order_check")}), answer,
    ], error, async () => {
      answer.replaceChildren();
      const found = await call("POST", "/order-status", {
        order_number: number.value.trim(), email: email.value.trim(),
        language: config.language, visitor: memory.visitor,
      });
      answer.replaceChildren(
        h("p", {class: "order-status"}, h("strong", {text: found.order_number}), " \u00b7 ",
          found.status_text || found.status),
        found.updated_at ? h("p", {class: "snippet", text: text("order_updated") + ": " + time(found.updated_at, true)}) : null,
        webUrl(found.tracking_url) ? h("p", {}, h("a", {
          href: webUrl(found.tracking_url), target: "_blank", rel: "noopener",
          text: text("order_tracking") + (found.carrier ? " (" + found.carrier + ")" : ""),
        })) : null,
        h("button", {
          type: "button", class: "link", text: text("order_not_helpful"),
          onclick: () => showStart(found.order_number),
        }));
    });
    return h("details", {class: "order-box"},
      h("summary", {text: text("order_title")}), lookup);
  }

  // --- A chat ------------------------------------------------------------------------------
  async function chatStart(fields) {
    const body = Object.assign({language: config.language, visitor: memory.visitor, page_url: location.href}, fields);
    const created = await callChallenged("POST", "/chats", body);
    chat.token = created.token;
    chat.seq = 0;
    chat.messages.clear();
    chat.lastId = 0;
    remember({token: created.token});
    showThread();
    absorb(created);
    follow();
  }

  function showThread() {
    ui.list = h("ol", {class: "messages"});
    ui.note = h("p", {class: "note"});
    ui.typing = h("p", {class: "typing", hidden: true, text: text("agent_typing")});
    ui.connection = h("p", {class: "connection", hidden: true, text: text("reconnecting")});
    ui.box = h("textarea", {rows: "2", "data-focus": true, maxlength: "10000", placeholder: text("message_placeholder")});
    ui.box.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        ui.composer.requestSubmit();
      }
    });
    ui.box.addEventListener("input", typing);
    ui.file = h("input", {type: "file", accept: "image/*", class: "file-input", "aria-label": text("attach")});
    ui.file.addEventListener("change", chosen);
    ui.preview = h("div", {class: "preview", hidden: true});
    ui.sendError = errorLine();
    ui.composer = h("form", {class: "composer", onsubmit: (event) => { event.preventDefault(); send(); }},
      field(text("message_label"), ui.box, "sr-only"), ui.preview, ui.sendError,
      h("div", {class: "actions"},
        h("label", {class: "attach"}, ui.file, h("span", {"aria-hidden": "true", text: text("attach")})),
        ui.send = h("button", {type: "submit", class: "primary", text: text("send")})));
    ui.end = h("button", {type: "button", class: "link end", text: text("end"), onclick: chatEnd});
    ui.scroll = h("div", {class: "scroll"}, ui.note, ui.list, ui.typing, ui.connection);
    ui.bottom = h("div", {class: "bottom"}, ui.composer, ui.end);
    show(ui.scroll, ui.bottom);
    ui.body.classList.add("thread");
  }

  function absorb(data) {
    if (typeof data.seq === "number") { chat.seq = Math.max(chat.seq, data.seq); }
    const messages = data.messages || [];
    // A reply just arrived: the typing that wrote it is over (its mark outlives it a little).
    const replied = messages.some((message) => message.from !== "customer" && !chat.messages.has(message.id));
    for (const message of messages) { add(message); }
    if (typeof data.agent_typing === "boolean") { paintTyping(data.agent_typing && !replied); }
    if (data.status && data.status !== chat.status) {
      chat.status = data.status;
      if (data.status === "ended") { ended(); }
      else if (data.status === "email") {
        // A message left outside hours: the answer comes by e-mail, nothing to wait for here.
        stop();
        ui.note.textContent = [text("sent_by_email"), text("answer_by")].filter(Boolean).join(" ");
        ui.bottom.hidden = true;
        ui.scroll.append(newChatButton());
      }
    }
  }

  function add(message) {
    if (chat.messages.has(message.id)) { return; }
    chat.messages.add(message.id);
    chat.lastId = Math.max(chat.lastId, message.id);
    const mine = message.from === "customer";
    const author = mine ? text("you") : message.author || text("agent");
    const item = h("li", {class: "message " + (mine ? "mine" : "theirs"), "data-id": String(message.id)},
      h("p", {class: "meta"}, h("span", {class: "author", text: author}), " ",
        h("time", {datetime: message.at, text: time(message.at)})),
      message.text ? h("p", {class: "text", text: message.text}) : null,
      (message.attachments || []).map((file) => {
        const url = new URL(file.url, BASE).href;
        return h("p", {class: "attachment"}, h("a", {href: url, target: "_blank", rel: "noopener"},
          /^image\//.test(file.content_type || "") ? h("img", {src: url, alt: file.name}) : file.name));
      }));
    // In the order of ids, even when a refresh and a send cross.
    const later = Array.from(ui.list.children).find((li) => Number(li.dataset.id) > message.id);
    ui.list.insertBefore(item, later || null);
    item.scrollIntoView({block: "nearest"});
    if (!mine) {
      paintTyping(false);
      ui.announce.textContent = author + ": " + (message.text || "");
      if (ui.panel.hidden) { chat.unread += 1; paintBadge(); }
    }
  }

  // The live process tells of a new reply, not of typing that stopped (the mark lasts a few
  // seconds on the server): the line goes by itself unless told again.
  let typingTimer = null;
  function paintTyping(on) {
    clearTimeout(typingTimer);
    ui.typing.hidden = !on;
    if (on) { typingTimer = setTimeout(() => { ui.typing.hidden = true; }, TYPING_SHOWN); }
  }

  function typing() {
    const now = Date.now();
    if (!chat.token || !ui.box.value || now - chat.typingSent < TYPING_EVERY) { return; }
    chat.typingSent = now;
    call("POST", chatPath("/typing")).catch(() => { /* only a hint for the agent */ });
  }

  function chatPath(tail) {
    return "/chats/" + encodeURIComponent(chat.token) + (tail || "");
  }

  function chosen() {
    const file = ui.file.files[0];
    say(ui.sendError, "");
    ui.preview.hidden = !file;
    ui.preview.replaceChildren();
    if (!file) { return; }
    const limit = Number(config.max_file_bytes || 0);
    if (limit && file.size > limit) {  // refused here, not after minutes of uploading
      ui.file.value = "";
      ui.preview.hidden = true;
      say(ui.sendError, fill(text("file_too_large"), {name: file.name, size: megabytes(file.size)}));
      return;
    }
    const image = /^image\//.test(file.type) ? h("img", {alt: ""}) : null;
    if (image) { image.src = URL.createObjectURL(file); }
    ui.preview.append(image || "", h("span", {text: file.name}));
  }

  function megabytes(bytes) {
    const unit = {style: "unit", unit: "megabyte", maximumFractionDigits: 1};
    return new Intl.NumberFormat(config.language, unit).format(bytes / 1048576);
  }

  let sending = false;
  async function send() {
    const words = ui.box.value.trim();
    const file = ui.file.files[0];
    if (sending || (!words && !file)) { return; }
    sending = true;
    ui.send.disabled = true;
    say(ui.sendError, "");
    let body = {text: words};
    if (file) {
      body = new FormData();
      body.append("text", words);
      body.append("file", file);
    }
    try {
      const message = await callChallenged("POST", chatPath("/messages"), body, {timeout: 120000});
      ui.box.value = "";
      ui.file.value = "";
      chosen();
      add(message);
    } catch (failure) {
      // Never lost: the words and the file stay in the box, with the reason; Send tries again.
      say(ui.sendError, failure.message);
      if (failure.status === 403) { forget(); }
    } finally {
      sending = false;
      ui.send.disabled = false;
    }
  }

  async function refresh() {
    if (!chat.token) { return; }
    try {
      absorb(await call("GET", chatPath(chat.lastId ? "?after=" + chat.lastId : "")));
      ui.connection.hidden = true;
    } catch (failure) {
      if (failure.status === 403) { forget(); return; }
      ui.connection.hidden = false;
      throw failure;
    }
  }

  // Long polling of the live process: it answers as soon as the chat's seq passes ours (else
  // after ~25 s), and then the chat is fetched from its last message on. On an error
  // "reconnecting..." and a retry, waiting longer each time (1 s up to 30 s); the 15-second
  // refresh runs all along, so nothing is missed while the live process is away.
  function follow() {
    stop();
    if (chat.status === "email" || chat.status === "ended") { return; }
    const token = chat.token;
    chat.timer = setInterval(() => { refresh().catch(() => {}); }, REFRESH_EVERY);
    if (!config.live_url) { return; }
    const controller = new AbortController();
    chat.live = controller;
    (async () => {
      let wait = 1000;
      while (!controller.signal.aborted && chat.token === token) {
        try {
          const url = new URL(config.live_url, BASE);
          url.search = new URLSearchParams({token: token, after: String(chat.seq)});
          const answer = await call("GET", url.href, undefined, {timeout: LIVE_TIMEOUT, signal: controller.signal});
          if (typeof answer.agent_typing === "boolean") { paintTyping(answer.agent_typing); }
          if (answer.seq > chat.seq) {
            await refresh();
            chat.seq = Math.max(chat.seq, answer.seq);
          }
          ui.connection.hidden = true;
          wait = 1000;
        } catch (failure) {
          if (controller.signal.aborted) { return; }
          if (failure.status === 403) { forget(); return; }
          ui.connection.hidden = false;
          await sleep(wait + Math.random() * 500);
          wait = Math.min(wait * 2, 30000);
        }
      }
    })();
  }

  function stop() {
    if (chat.live) { chat.live.abort(); chat.live = null; }
    clearInterval(chat.timer);
  }

  // The token is no good any more (withdrawn, erased, too old): a new chat from the form.
  function forget() {
    stop();
    chat.token = null;
    chat.status = "";
    remember({token: null});
    showStart();
  }

  function newChatButton() {
    return h("button", {type: "button", class: "link", text: text("new_chat"), onclick: () => {
      stop();
      chat.token = null;
      chat.status = "";
      remember({token: null});
      showStart();
    }});
  }

  // --- The end: rating and transcript -------------------------------------------------------
  async function chatEnd() {
    try {
      absorb(await call("POST", chatPath("/end")));
    } catch (failure) {
      say(ui.sendError, failure.message);
    }
  }

  function ended() {
    stop();
    const error = errorLine();
    const stars = h("fieldset", {class: "stars"}, h("legend", {text: text("rate_question")}),
      [1, 2, 3, 4, 5].map((score) => {
        const id = "pd-star" + score;
        return [
          h("input", {type: "radio", name: "score", value: String(score), id: id, required: true, "data-focus": score === 1}),
          h("label", {for: id, title: text("rating_" + score)},
            h("span", {"aria-hidden": "true", text: "\u2605"}), h("span", {class: "sr-only", text: text("rating_" + score)})),
        ];
      }));
    const comment = h("textarea", {rows: "2", maxlength: "5000"});
    const rating = form("rating", [stars, field(text("comment_label"), comment), error,
      h("button", {type: "submit", class: "primary", text: text("rate_send")})], error, async () => {
      const score = Number(rating.querySelector("input[name=score]:checked").value);
      await call("POST", chatPath("/rating"), {score: score, comment: comment.value.trim()});
      rating.replaceChildren(h("p", {class: "note", text: text("rated")}));
    });
    const address = h("input", {type: "email", autocomplete: "email", required: true, maxlength: "254"});
    const mailError = errorLine();
    const sent = h("p", {class: "note", "aria-live": "polite"});
    const transcript = form("transcript", [field(text("transcript_label"), address), mailError,
      h("button", {type: "submit", text: text("transcript_send")}), sent], mailError, async () => {
      sent.textContent = "";
      await call("POST", chatPath("/transcript"), {email: address.value.trim()});
      sent.textContent = text("transcript_sent");
    });
    ui.bottom.hidden = ui.typing.hidden = true;
    ui.note.textContent = text("ended");
    ui.scroll.append(rating, transcript, newChatButton());
    if (!ui.panel.hidden) { stars.querySelector("input").focus(); }
  }

  // --- Start --------------------------------------------------------------------------------
  async function boot() {
    const accept = (navigator.languages || [navigator.language || ""]).join(",");
    const query = new URLSearchParams({language: document.documentElement.lang || "", accept: accept});
    for (let attempt = 0; ; attempt++) {
      try {
        config = await call("GET", "/config?" + query);
        break;
      } catch (failure) {
        if (failure.status >= 400 && failure.status < 500 && failure.status !== 429) { return; }  // off
        if (attempt >= 5) { return; }
        await sleep(2000 * 2 ** attempt);
      }
    }
    texts = config.texts || {};
    build();
    document.body.append(host);
    if (chat.token) {  // a chat of this visitor's: resumed where it was
      showThread();
      refresh().catch(() => {}).then(follow);
    }
    if (memory.open) { toggle(true, false); }  // open as before the reload, focus left alone
  }

  if (document.body) { boot(); }
  else { document.addEventListener("DOMContentLoaded", boot); }
})();

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

  // --- Small tools -----------------------------------------------------------------------
  function h(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) { continue; }
      if (name.startsWith("on")) { element.addEventListener(name.slice(2), value); }
      else if (name === "text") { element.textContent = value; }
      else { element.setAttribute(name, value === true ? "" : value); }
    }
    for (const child of children.flat()) {
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
      throw new Failure(0, text("network_error"));
    } finally {
      clearTimeout(timer);
    }
    let data = null;
    if (response.status !== 204) {
      try { data = await response.json(); } catch (e) { data = null; }
    }
    if (!response.ok) {
      throw new Failure(response.status, (data && data.detail) || text("network_error"), data);
    }
    return data;
  }

  // The answer to the server's small proof of work (asked after repeated sends): the first
  // number whose SHA-256 with the challenge's salt begins with the asked zero bits.
  async function solve(challenge) {
    const salt = String(challenge.salt || "");
    const bits = Number(challenge.bits || challenge.difficulty || 0);
    const encoder = new TextEncoder();
    for (let nonce = 0; nonce < 1 << 26; nonce++) {
      const digest = new Uint8Array(
        await crypto.subtle.digest("SHA-256", encoder.encode(salt + nonce)));
      if (leadingZeroBits(digest) >= bits) {
        return Object.assign({}, challenge, {nonce: String(nonce)});
      }
    }
    return null;
  }

  function leadingZeroBits(bytes) {
    let count = 0;
    for (const byte of bytes) {
      if (byte === 0) { count += 8; continue; }
      return count + Math.clz32(byte) - 24;
    }
    return count;
  }

  // --- State -----------------------------------------------------------------------------
  let config = null;
  let texts = {};
  function text(key) { return texts[key] || key; }

  const chat = {
    token: memory.token || null,
    seq: 0,
    messages: new Map(),  // id -> message
    lastId: 0,
    status: "",
    agentTyping: false,
    live: null,  // the AbortController of the running long poll
    timer: null,  // the 15-second refresh
    typingSent: 0,
    unread: 0,
    ended: false,
  };

  // --- The page --------------------------------------------------------------------------
  const host = h("div", {"data-polydesk-widget": ""});
  const root = host.attachShadow({mode: "open"});
  const ids = (name) => "pd-" + name;

  let ui = {};

  function build() {
    const colour = /^#[0-9a-fA-F]{6}$/.test(config.colour || "") ? config.colour : "#1f5f99";
    host.style.setProperty("--pd-colour", colour);
    host.style.setProperty("--pd-on-colour", onColour(colour));

    ui.launcher = h("button", {
      class: "launcher", type: "button", "aria-label": text("launcher"),
      "aria-expanded": "false", "aria-controls": ids("panel"), onclick: () => toggle(true),
    }, h("span", {class: "launcher-icon", "aria-hidden": "true"}),
    h("span", {class: "badge", hidden: true, "aria-hidden": "true"}));

    ui.title = h("h2", {id: ids("title"), class: "title", text: config.client});
    ui.status = h("p", {class: "status"});
    ui.close = h("button", {
      class: "close", type: "button", "aria-label": text("close"), onclick: () => toggle(false),
    }, h("span", {"aria-hidden": "true", text: "×"}));
    ui.body = h("div", {class: "body"});
    ui.announce = h("div", {class: "sr-only", "aria-live": "polite"});
    ui.panel = h("div", {
      class: "panel", id: ids("panel"), role: "dialog", "aria-modal": "false",
      "aria-labelledby": ids("title"), hidden: true, onkeydown: onKey,
    }, h("div", {class: "head"}, h("div", {class: "who"}, ui.title, ui.status), ui.close),
    ui.body, ui.announce);

    const frame = h("div", {class: "frame", hidden: true}, ui.launcher, ui.panel);
    const sheet = h("link", {rel: "stylesheet", href: STYLESHEET});
    sheet.addEventListener("load", () => { frame.hidden = false; });
    sheet.addEventListener("error", () => { frame.hidden = false; });
    root.append(sheet, frame);
    paintStatus();
  }

  function onColour(colour) {
    const [r, g, b] = [1, 3, 5].map((at) => parseInt(colour.slice(at, at + 2), 16) / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4)));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.35 ? "#111111" : "#ffffff";
  }

  function paintStatus() {
    const open = config.open;
    ui.status.className = "status " + (open ? "is-open" : "is-closed");
    if (open) { ui.status.textContent = text("open_now"); }
    else if (config.opens_at_text) {
      ui.status.textContent = fill(text("closed_opens"), {when: config.opens_at_text});
    } else { ui.status.textContent = text("closed"); }
  }

  function toggle(open, focus = true) {
    ui.panel.hidden = !open;
    ui.launcher.setAttribute("aria-expanded", String(open));
    ui.launcher.hidden = open;
    remember({open: open});
    if (open) {
      chat.unread = 0;
      paintBadge();
      if (!ui.body.firstChild) { showStart(); }
      if (focus) { (ui.body.querySelector("[data-focus]") || ui.close).focus(); }
    } else if (focus) {
      ui.launcher.focus();
    }
  }

  function onKey(event) {
    if (event.key === "Escape") {
      event.stopPropagation();
      toggle(false);
    }
  }

  function paintBadge() {
    const badge = ui.launcher.querySelector(".badge");
    badge.hidden = chat.unread === 0;
    badge.textContent = chat.unread ? String(chat.unread) : "";
  }

  function show(...nodes) {
    ui.body.replaceChildren(...nodes);
    const target = ui.body.querySelector("[data-focus]");
    if (target && !ui.panel.hidden) { target.focus(); }
  }

  let fieldCount = 0;
  function field(label, control) {
    const id = ids("f" + ++fieldCount);
    control.id = id;
    return h("div", {class: "field"}, h("label", {for: id, text: label}), control);
  }

  function errorLine() {
    return h("p", {class: "error", role: "alert", hidden: true});
  }

  function say(line, message) {
    line.textContent = message || "";
    line.hidden = !message;
  }

  // --- Before a chat: the question, suggested articles, the order status ------------------
  function showStart(orderNumber) {
    const open = config.open;
    const message = h("textarea", {rows: "3", required: true, "data-focus": true, maxlength: "4000"});
    const name = h("input", {type: "text", autocomplete: "name", maxlength: "200"});
    const email = h("input", {
      type: "email", autocomplete: "email", maxlength: "254", required: !open,
    });
    const error = errorLine();
    const suggestions = h("div", {class: "suggestions"});
    const submit = h("button", {
      type: "submit", class: "primary", text: text(open ? "start_chat" : "send_message"),
    });
    const form = h("form", {class: "start", novalidate: true},
      open ? null : h("p", {class: "note"}, fill(text("closed_note"), {
        answer_by: config.answer_by_text || "", when: config.opens_at_text || "",
      })),
      orderNumber ? h("p", {class: "note", text: fill(text("about_order"), {number: orderNumber})}) : null,
      field(text(open ? "message" : "message_closed"), message),
      suggestions,
      field(text("name_optional"), name),
      field(text(open ? "email_optional" : "email_required"), email),
      error, submit);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!message.value.trim()) { say(error, text("message_missing")); message.focus(); return; }
      if (!open && !email.value.trim()) { say(error, text("email_missing")); email.focus(); return; }
      submit.disabled = true;
      say(error, "");
      try {
        await start({
          text: message.value.trim(), name: name.value.trim(), email: email.value.trim(),
          order_number: orderNumber || undefined,
        });
      } catch (failure) {
        say(error, failure.message);  // the text stays in the box
      } finally {
        submit.disabled = false;
      }
    });
    if (config.suggest_articles) { suggestAsTyped(message, suggestions); }
    const parts = [form];
    if (config.order_status) { parts.push(orderStatus()); }
    show(...parts);
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
          const params = new URLSearchParams({q: query, language: config.language});
          const found = await call("GET", "/articles?" + params);
          if (asked !== query) { return; }  // a later question is on its way
          paintSuggestions(list, found.articles || []);
        } catch (failure) { /* suggestions are a help, not a must */ }
      }, SUGGEST_AFTER);
    });
  }

  function paintSuggestions(list, articles) {
    if (!articles.length) { list.replaceChildren(); return; }
    list.replaceChildren(
      h("p", {class: "suggestions-title", text: text("suggestions")}),
      h("ul", {}, articles.map((article) => h("li", {},
        h("a", {
          href: article.url, target: "_blank", rel: "noopener", text: article.title,
          onclick: () => opened(article.id),
        }),
        article.snippet ? h("span", {class: "snippet", text: article.snippet}) : null))));
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
    const submit = h("button", {type: "submit", text: text("order_check")});
    const form = h("form", {class: "order", novalidate: true},
      field(text("order_number"), number), field(text("order_email"), email), error, submit, answer);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!number.value.trim() || !email.value.trim()) {
        say(error, text("order_missing"));
        return;
      }
      submit.disabled = true;
      say(error, "");
      answer.replaceChildren();
      try {
        const found = await call("POST", "/order-status", {
          order_number: number.value.trim(), email: email.value.trim(),
          language: config.language, visitor: memory.visitor,
        });
        answer.replaceChildren(
          h("p", {class: "order-status"}, h("strong", {text: found.order_number}), " · ",
            found.status_text || found.status),
          found.tracking_url ? h("p", {}, h("a", {
            href: found.tracking_url, target: "_blank", rel: "noopener",
            text: found.carrier ? fill(text("order_tracking_with"), {carrier: found.carrier})
              : text("order_tracking"),
          })) : null,
          h("button", {
            type: "button", class: "link", text: text("order_not_helped"),
            onclick: () => showStart(found.order_number),
          }));
      } catch (failure) {
        say(error, failure.message);
      } finally {
        submit.disabled = false;
      }
    });
    return h("details", {class: "order-box"}, h("summary", {text: text("order_status")}), form);
  }

  // --- A chat ------------------------------------------------------------------------------
  async function start(fields) {
    const body = Object.assign({
      language: config.language, visitor: memory.visitor, page_url: location.href,
    }, fields);
    let created;
    try {
      created = await call("POST", "/chats", body);
    } catch (failure) {
      if (failure.status !== 428 || !failure.body || !failure.body.challenge) { throw failure; }
      // Repeated sends: the server asks for a moment of this browser's work, done unseen.
      body.challenge = await solve(failure.body.challenge);
      created = await call("POST", "/chats", body);
    }
    chat.token = created.token;
    chat.ended = false;
    remember({token: created.token});
    chat.messages.clear();
    chat.lastId = 0;
    showThread();
    if (!created.open && created.answer_by_text) { ui.note.textContent = created.answer_by_text; }
    absorb(created);
    follow();
  }

  function showThread() {
    ui.list = h("ol", {class: "messages"});
    ui.typing = h("p", {class: "typing", hidden: true});
    ui.connection = h("p", {class: "connection", hidden: true, text: text("reconnecting")});
    ui.note = h("p", {class: "note"});
    ui.box = h("textarea", {rows: "2", "data-focus": true, maxlength: "4000"});
    ui.box.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        send();
      }
    });
    ui.box.addEventListener("input", typing);
    ui.file = h("input", {type: "file", accept: "image/*", class: "file-input"});
    ui.file.addEventListener("change", chosen);
    ui.preview = h("div", {class: "preview", hidden: true});
    ui.sendError = h("div", {class: "error", role: "alert", hidden: true});
    ui.send = h("button", {type: "submit", class: "primary", text: text("send")});
    const composer = h("form", {class: "composer", novalidate: true, onsubmit: (event) => {
      event.preventDefault();
      send();
    }}, field(text("your_message"), ui.box), ui.preview, ui.sendError,
    h("div", {class: "actions"}, h("label", {class: "attach"}, ui.file,
      h("span", {text: text("attach")})), ui.send));
    const end = h("button", {type: "button", class: "link end", text: text("end_chat"), onclick: endChat});
    show(ui.note, ui.list, ui.typing, ui.connection, composer, end);
  }

  function absorb(data) {
    if (typeof data.seq === "number") { chat.seq = Math.max(chat.seq, data.seq); }
    if (data.status) { chat.status = data.status; }
    if (typeof data.agent_typing === "boolean") { paintTyping(data.agent_typing); }
    for (const message of data.messages || []) { add(message); }
  }

  function add(message) {
    if (chat.messages.has(message.id)) { return; }
    chat.messages.set(message.id, message);
    chat.lastId = Math.max(chat.lastId, message.id);
    if (!ui.list) { return; }
    const mine = message.from === "customer";
    const at = new Date(message.at);
    const time = isNaN(at) ? "" : at.toLocaleTimeString(config.language, {hour: "2-digit", minute: "2-digit"});
    const item = h("li", {class: "message " + (mine ? "mine" : "theirs"), "data-id": String(message.id)},
      h("p", {class: "meta"}, h("span", {class: "author", text: mine ? text("you") : (message.author || text("agent"))}),
        " ", h("time", {datetime: message.at, text: time})),
      message.text ? h("p", {class: "text", text: message.text}) : null,
      (message.attachments || []).map((file) => h("p", {class: "attachment"},
        h("a", {href: file.url, target: "_blank", rel: "noopener"},
          /^image\//.test(file.content_type || "") ? h("img", {src: file.url, alt: file.name}) : file.name))));
    // In order of id, even when a refresh and a send cross.
    const after = Array.from(ui.list.children).find((li) => Number(li.dataset.id) > message.id);
    ui.list.insertBefore(item, after || null);
    item.scrollIntoView({block: "nearest"});
    if (!mine) {
      paintTyping(false);
      ui.announce.textContent = (message.author || text("agent")) + ": " + (message.text || "");
      if (ui.panel.hidden) { chat.unread += 1; paintBadge(); }
    }
  }

  let typingHide = null;
  function paintTyping(on) {
    if (!ui.typing) { return; }
    clearTimeout(typingHide);
    ui.typing.hidden = !on;
    ui.typing.textContent = on ? text("agent_typing") : "";
    // The live process tells of a new reply, not of typing that stopped: hide it in a while.
    if (on) { typingHide = setTimeout(() => paintTyping(false), 12000); }
  }

  function typing() {
    const now = Date.now();
    if (!chat.token || now - chat.typingSent < TYPING_EVERY || !ui.box.value) { return; }
    chat.typingSent = now;
    call("POST", "/chats/" + encodeURIComponent(chat.token) + "/typing").catch(() => {});
  }

  function chosen() {
    const file = ui.file.files[0];
    say(ui.sendError, "");
    ui.preview.replaceChildren();
    ui.preview.hidden = true;
    if (!file) { return; }
    const limit = Number(config.max_file_bytes || config.attachment_max_bytes || 0);
    if (limit && file.size > limit) {
      ui.file.value = "";
      say(ui.sendError, fill(text("file_too_big"), {size: megabytes(limit)}));
      return;
    }
    const image = /^image\//.test(file.type) ? h("img", {alt: file.name}) : null;
    if (image) { image.src = URL.createObjectURL(file); }
    ui.preview.append(image || "", h("span", {text: file.name}), h("button", {
      type: "button", class: "link", text: text("remove_file"),
      onclick: () => { ui.file.value = ""; chosen(); },
    }));
    ui.preview.hidden = false;
  }

  function megabytes(bytes) {
    return (bytes / 1048576).toLocaleString(config.language, {maximumFractionDigits: 1}) + " MB";
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
      const message = await call("POST", "/chats/" + encodeURIComponent(chat.token) + "/messages", body, {timeout: 60000});
      ui.box.value = "";
      ui.file.value = "";
      chosen();
      add(message);
    } catch (failure) {
      // Never lost: the words and the file stay where they were, with the reason and a retry.
      ui.sendError.replaceChildren(h("span", {text: failure.message}), " ",
        h("button", {type: "button", class: "link", text: text("retry"), onclick: send}));
      ui.sendError.hidden = false;
      if (failure.status === 403 || failure.status === 404) { forget(); }
    } finally {
      sending = false;
      ui.send.disabled = false;
    }
  }

  async function refresh() {
    if (!chat.token) { return; }
    const after = chat.lastId ? "?after=" + chat.lastId : "";
    try {
      absorb(await call("GET", "/chats/" + encodeURIComponent(chat.token) + after));
      paintConnection(true);
    } catch (failure) {
      if (failure.status === 403 || failure.status === 404) { forget(); return; }
      paintConnection(false);
      throw failure;
    }
  }

  function paintConnection(ok) {
    if (ui.connection) { ui.connection.hidden = ok; }
  }

  // Long polling of the live process: it answers as soon as the chat's seq passes ours, and
  // then the chat is fetched from its last message on. Errors: "reconnecting…" and a retry,
  // waiting longer each time (1 s to 30 s); the 15-second refresh runs all along.
  function follow() {
    stop();
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
          paintConnection(true);
          wait = 1000;
        } catch (failure) {
          if (controller.signal.aborted) { return; }
          if (failure.status === 403) { forget(); return; }
          paintConnection(false);
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

  // The token is no longer good (withdrawn, too old): a new chat starts from the form.
  function forget() {
    stop();
    chat.token = null;
    remember({token: null});
    showStart();
  }

  // --- The end: rating and transcript -------------------------------------------------------
  async function endChat() {
    const token = chat.token;
    try {
      await call("POST", "/chats/" + encodeURIComponent(token) + "/end");
    } catch (failure) {
      if (ui.sendError) { say(ui.sendError, failure.message); }
      return;
    }
    stop();
    remember({token: null, ended: token});
    showEnd(token);
  }

  function showEnd(token) {
    const error = errorLine();
    const done = h("p", {class: "note", "aria-live": "polite"});
    const stars = h("fieldset", {class: "stars"}, h("legend", {text: text("rating_question")}),
      [1, 2, 3, 4, 5].map((score) => {
        const id = ids("star" + score);
        return [h("input", {type: "radio", name: "score", value: String(score), id: id, "data-focus": score === 1 ? true : null}),
          h("label", {for: id, title: fill(text("rating_score"), {score: score})},
            h("span", {"aria-hidden": "true", text: "★"}),
            h("span", {class: "sr-only", text: fill(text("rating_score"), {score: score})}))];
      }));
    const comment = h("textarea", {rows: "2", maxlength: "2000"});
    const rate = h("button", {type: "submit", class: "primary", text: text("rating_send")});
    const rating = h("form", {class: "rating", novalidate: true}, stars,
      field(text("rating_comment"), comment), error, rate);
    rating.addEventListener("submit", async (event) => {
      event.preventDefault();
      const chosenStar = rating.querySelector("input[name=score]:checked");
      if (!chosenStar) { say(error, text("rating_missing")); return; }
      rate.disabled = true;
      try {
        await call("POST", "/chats/" + encodeURIComponent(token) + "/rating",
          {score: Number(chosenStar.value), comment: comment.value.trim()});
        rating.replaceChildren(h("p", {class: "note", text: text("rating_thanks")}));
      } catch (failure) {
        say(error, failure.message);
        rate.disabled = false;
      }
    });
    const address = h("input", {type: "email", autocomplete: "email", required: true, maxlength: "254"});
    const transcriptError = errorLine();
    const mail = h("button", {type: "submit", text: text("transcript")});
    const transcript = h("form", {class: "transcript", novalidate: true},
      field(text("transcript_email"), address), transcriptError, mail, done);
    transcript.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!address.value.trim()) { say(transcriptError, text("email_missing")); return; }
      mail.disabled = true;
      try {
        await call("POST", "/chats/" + encodeURIComponent(token) + "/transcript", {email: address.value.trim()});
        say(transcriptError, "");
        done.textContent = text("transcript_sent");
      } catch (failure) {
        say(transcriptError, failure.message);
      } finally {
        mail.disabled = false;
      }
    });
    show(h("p", {class: "note", text: text("chat_ended")}), rating, transcript,
      h("button", {type: "button", class: "link", text: text("new_chat"), onclick: () => {
        remember({ended: null});
        showStart();
      }}));
  }

  // --- Start --------------------------------------------------------------------------------
  async function boot() {
    const accept = (navigator.languages || [navigator.language || ""]).join(",");
    const params = new URLSearchParams({language: document.documentElement.lang || "", accept: accept});
    for (let attempt = 0; ; attempt++) {
      try {
        config = await call("GET", "/config?" + params);
        break;
      } catch (failure) {
        if (failure.status === 404 || failure.status === 403 || attempt >= 5) { return; }  // off
        await sleep(2000 * 2 ** attempt);
      }
    }
    texts = config.texts || {};
    build();
    document.body.append(host);
    if (chat.token) {
      showThread();
      try {
        await refresh();
        follow();
      } catch (failure) {
        follow();  // the network is away: the poll reconnects
      }
    } else if (memory.ended) {
      showEnd(memory.ended);
    }
    if (memory.open) { toggle(true, false); }  // as it was before the reload, focus left alone
  }

  if (document.body) { boot(); }
  else { document.addEventListener("DOMContentLoaded", boot); }
})();

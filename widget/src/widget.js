// "Click to Chat": the clinic assistant's web widget.
//
// Embed with one tag (all assets come from the clinic's own server):
//   <script src="https://clinic.example/widget/widget.js" defer
//     data-server="https://clinic.example"        (web process: sessions, history)
//     data-socket-url="https://chat.clinic.example" (Rasa's socket.io channel)
//     data-lang="en" data-whatsapp="8801XXXXXXXXX" data-title="Ask the clinic"
//     data-operation="knee"></script>  (on a page about one operation: "knee" or "hip")
//
// On a page about one operation, every message carries it
// (metadata.page_operation): a question that names no operation is then
// read as about the page's one (bot/conversation_operation.py). The WhatsApp
// link then opens a chat whose first message, prefilled, names the operation.
//
// The session id is issued and signed by the server; messages typed while the
// connection is down wait in localStorage and are sent, once, when it is back.

import { io } from "socket.io-client";
import css from "./widget.css";
import { createStore } from "./store.js";
import { format, strings } from "./strings.js";

const BANGLA = /[\u0980-\u09FF]/;
const LATIN = /[A-Za-z]{3,}/;
import { renderText, timeLabel } from "./text.js";

// As many as the web chat channel takes (bot/channels/webchat.py MAX_MESSAGE_CHARS):
// a parent's story with the question at its end fits.
const MAX_CHARS = 5000;
const PAGE_OPERATIONS = ["knee", "hip"];
const TYPING_TIMEOUT_MS = 20000;
const OFFLINE_AFTER_FAILURES = 3;
const FONT_FILES = { 400: "noto-sans-bengali-bengali-400-normal.woff2", 700: "noto-sans-bengali-bengali-700-normal.woff2" };
const ICON_CHAT =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
const ICON_CLOSE =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M18.3 5.7 12 12l6.3 6.3-1.4 1.4L10.6 13.4 4.3 19.7l-1.4-1.4L9.2 12 2.9 5.7l1.4-1.4 6.3 6.3 6.3-6.3z"/></svg>';

function readConfig(script) {
  const data = (script && script.dataset) || {};
  const scriptUrl = new URL(script && script.src ? script.src : window.location.href);
  const server = (data.server || scriptUrl.origin).replace(/\/$/, "");
  return {
    server,
    socketUrl: (data.socketUrl || server).replace(/\/$/, ""),
    socketPath: data.socketPath || "/socket.io",
    language: data.lang || "en",
    whatsapp: (data.whatsapp || "").replace(/\D/g, ""),
    title: data.title || "",
    operation: PAGE_OPERATIONS.includes(data.operation) ? data.operation : "",
    assetBase: new URL(".", scriptUrl).href,
  };
}

// A message id of 24 random letters (about 112 bits), never digits: the
// server masks every run of digits that could be a phone or ID number before
// it stores an event, ids included, and a UUID such as "2088ed50-4871-..."
// came back from the history masked, so a reload showed a message that was
// still waiting for its acknowledgement twice.
function newId() {
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const bytes = new Uint8Array(24);
  if (window.crypto && window.crypto.getRandomValues) window.crypto.getRandomValues(bytes);
  else bytes.forEach((_, index) => (bytes[index] = Math.floor(Math.random() * 256)));
  return Array.from(bytes, (byte) => letters[byte % letters.length]).join("");
}

function element(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") node.textContent = value;
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function loadFonts(assetBase) {
  if (document.getElementById("clinic-chat-fonts")) return;
  // @font-face must live in the document, not the shadow root, to apply.
  const faces = Object.entries(FONT_FILES)
    .map(
      ([weight, file]) =>
        `@font-face{font-family:"Noto Sans Bengali";font-style:normal;font-weight:${weight};` +
        `font-display:swap;src:url("${assetBase}fonts/${file}") format("woff2");` +
        "unicode-range:U+0951-0952,U+0964-0965,U+0980-09FE,U+1CD0,U+1CD2,U+1CD5-1CD6,U+1CD8,U+1CE1,U+1CEA,U+1CED,U+1CF2,U+1CF5-1CF7,U+200C-200D,U+20B9,U+25CC,U+A8F1;}",
    )
    .join("");
  document.head.append(element("style", { id: "clinic-chat-fonts", text: faces }));
}

class ChatWidget {
  constructor(config) {
    this.config = config;
    this.language = config.language;
    this.t = strings(config.language);
    this.store = createStore();
    this.socket = null;
    this.sessionId = null;
    this.ready = false;
    this.failures = 0;
    this.typingTimer = null;
    this.conversationEmpty = false;
  }

  // --- language ----------------------------------------------------------------

  // Remember which fixed text an element shows, so it can follow the language.
  localize(node, key, attribute = "text", children = null) {
    this.localized = this.localized || [];
    this.localized.push({ node, key, attribute });
    this.applyText(node, key, attribute);
    if (children) node.append(...children);
    return node;
  }

  applyText(node, key, attribute) {
    if (attribute === "text") node.textContent = this.t[key];
    else node.setAttribute(attribute, this.t[key]);
  }

  // The widget's fixed texts follow the language the assistant answers in.
  followLanguage(text) {
    const language = BANGLA.test(text) ? "bn" : LATIN.test(text) ? "en" : null;
    if (!language || language === this.language) return;
    this.language = language;
    this.t = strings(language);
    for (const { node, key, attribute } of this.localized || []) this.applyText(node, key, attribute);
    this.panel?.setAttribute("lang", language);
    this.whatsappLink?.setAttribute("href", this.whatsappHref());
    if (this.counter) this.updateCounter();
  }

  // On one operation's page, the WhatsApp chat starts with a message naming
  // that operation (prefilled, the patient may change it), so the questions
  // after it are read as about that operation there too.
  whatsappHref() {
    const base = `https://wa.me/${this.config.whatsapp}`;
    const operation = this.config.operation;
    if (!operation) return base;
    const text = operation === "knee" ? this.t.whatsappKnee : this.t.whatsappHip;
    return `${base}?text=${encodeURIComponent(text)}`;
  }

  mount() {
    loadFonts(this.config.assetBase);
    const host = element("div", { id: "clinic-chat" });
    document.body.append(host);
    const root = host.attachShadow({ mode: "open" });
    root.append(element("style", { text: css }));
    this.buildLauncher(root);
    this.buildPanel(root);
    this.updateBadge();
    if (this.store.isOpen()) this.open({ focus: false });
    this.start();
  }

  buildLauncher(root) {
    this.badge = element("span", { class: "badge", hidden: "" });
    this.launcher = element("button", {
      type: "button",
      class: "launcher",
      "aria-label": this.t.open,
      "aria-expanded": "false",
      "aria-controls": "clinic-chat-panel",
    });
    this.launcher.innerHTML = ICON_CHAT; // static markup, no user data
    this.launcher.append(this.localize(element("span"), "launcher"), this.badge);
    this.localize(this.launcher, "open", "aria-label");
    this.launcher.addEventListener("click", () => this.open({ focus: true }));
    root.append(this.launcher);
  }

  buildPanel(root) {
    const closeButton = this.localize(element("button", { type: "button", class: "icon-button close" }), "close", "aria-label");
    closeButton.innerHTML = ICON_CLOSE;
    closeButton.addEventListener("click", () => this.close());
    const title = this.config.title ? element("span", { text: this.config.title }) : this.localize(element("span"), "title");
    const heading = element("h2", { id: "clinic-chat-title" }, [
      title,
      this.localize(element("span", { class: "subtitle" }), "subtitle"),
    ]);
    const staff = this.localize(element("button", { type: "button", class: "action talk-to-staff" }), "talkToStaff");
    staff.addEventListener("click", () => this.send("/request_human", this.t.talkToStaff));
    const actions = element("div", { class: "actions" }, [staff]);
    if (this.config.whatsapp) {
      this.whatsappLink = element("a", {
        class: "action whatsapp",
        href: this.whatsappHref(),
        target: "_blank",
        rel: "noopener noreferrer",
      });
      actions.append(this.localize(this.localize(this.whatsappLink, "whatsapp"), "whatsappLabel", "aria-label"));
    }
    this.status = element("div", { class: "status", role: "status", hidden: "" });
    this.log = element("div", {
      class: "log",
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions",
      tabindex: "0",
    });
    this.localize(this.log, "title", "aria-label");
    this.typing = element("div", { class: "typing", hidden: "", "aria-hidden": "true" }, [
      element("span"),
      element("span"),
      element("span"),
    ]);
    this.input = element("textarea", {
      id: "clinic-chat-input",
      rows: "1",
      maxlength: String(MAX_CHARS),
      "aria-describedby": "clinic-chat-counter",
    });
    this.localize(this.input, "placeholder", "placeholder");
    this.sendButton = this.localize(element("button", { type: "submit", class: "send" }), "send");
    this.counter = element("div", { id: "clinic-chat-counter", class: "counter", "aria-live": "polite" });
    const form = this.localize(element("form"), "inputLabel", "aria-label", [
      this.localize(element("label", { for: "clinic-chat-input", class: "visually-hidden" }), "inputLabel"),
      this.input,
      this.sendButton,
    ]);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submitInput();
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submitInput();
      }
    });
    this.input.addEventListener("input", () => this.updateCounter());
    this.panel = element(
      "section",
      {
        id: "clinic-chat-panel",
        class: "panel",
        role: "dialog",
        "aria-labelledby": "clinic-chat-title",
        hidden: "",
      },
      [
        element("header", {}, [heading, closeButton]),
        actions,
        this.status,
        this.log,
        form,
        this.counter,
        this.localize(element("div", { class: "disclaimer" }), "disclaimer"),
      ],
    );
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.stopPropagation();
        this.close();
      }
    });
    root.append(this.panel);
    this.updateCounter();
  }

  // --- panel state -----------------------------------------------------------

  open({ focus }) {
    this.panel.hidden = false;
    this.launcher.hidden = true;
    this.launcher.setAttribute("aria-expanded", "true");
    this.store.setOpen(true);
    this.store.setUnread(0);
    this.updateBadge();
    this.scrollToEnd();
    if (focus) this.input.focus();
    this.greetIfNew();
  }

  // A new conversation starts when the panel is first opened: the assistant
  // introduces itself (disclaimer first) and offers topics. Nothing is stored
  // for visitors who never open the chat.
  greetIfNew() {
    if (!this.ready || !this.conversationEmpty || !this.isOpen()) return;
    this.conversationEmpty = false;
    this.send("/greet", "", { silent: true });
  }

  close() {
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute("aria-expanded", "false");
    this.store.setOpen(false);
    this.launcher.focus();
  }

  isOpen() {
    return !this.panel.hidden;
  }

  updateBadge() {
    const count = this.store.unread();
    this.badge.hidden = count === 0;
    this.badge.textContent = String(count);
    this.badge.setAttribute("aria-label", format(this.t.unread, { count }));
  }

  updateCounter() {
    const count = this.input.value.length;
    this.counter.textContent = format(this.t.counter, { count, max: MAX_CHARS });
    this.counter.classList.toggle("limit", count >= MAX_CHARS);
  }

  showStatus(kind) {
    if (!kind) {
      this.status.hidden = true;
      return;
    }
    this.status.hidden = false;
    this.status.className = `status ${kind}`;
    this.status.textContent = kind === "offline" ? this.t.offline : this.t.reconnecting;
  }

  // --- messages --------------------------------------------------------------

  scrollToEnd() {
    this.log.scrollTop = this.log.scrollHeight;
  }

  addMessage({ sender, text, buttons = [], timestamp, id, pending = false, staff_name: staffName = null }) {
    const staff = sender === "bot" && typeof staffName === "string" && staffName;
    const wrapper = element("div", { class: `message ${sender}${staff ? " staff" : ""}` });
    if (id) wrapper.dataset.messageId = id;
    const name = staff ? `${staffName} (${this.t.staffLabel})` : sender === "user" ? this.t.you : this.t.assistant;
    const who = element("span", { class: staff ? "who" : "visually-hidden", text: staff ? name : `${name}: ` });
    const bubble = element("div", { class: "bubble" }, [who]);
    bubble.append(sender === "bot" ? renderText(document, text) : document.createTextNode(text));
    const meta = element("div", { class: "meta" }, [
      element("time", { text: timeLabel(timestamp || Date.now() / 1000, this.config.language) }),
    ]);
    if (pending) meta.append(" · ", element("span", { class: "pending", text: this.t.sending }));
    wrapper.append(bubble, meta);
    if (buttons.length) {
      const replies = element("div", { class: "replies" });
      for (const button of buttons) {
        // Switching language stays possible after newer messages arrive.
        const lasting = String(button.payload || "").startsWith("/set_language");
        const reply = element("button", { type: "button", class: lasting ? "reply lasting" : "reply", text: button.title });
        reply.addEventListener("click", () => {
          for (const sibling of replies.querySelectorAll("button")) sibling.disabled = true;
          // The pressed button is now disabled; keep keyboard users in the chat.
          this.input.focus();
          this.send(button.payload, button.title);
        });
        replies.append(reply);
      }
      wrapper.append(replies);
    }
    this.log.insertBefore(wrapper, this.typing.parentNode === this.log ? this.typing : null);
    this.scrollToEnd();
    return wrapper;
  }

  markSent(id, failedText) {
    const wrapper = this.log.querySelector(`[data-message-id="${CSS.escape(id)}"]`);
    const pending = wrapper && wrapper.querySelector(".pending");
    if (!pending) return;
    if (failedText) {
      pending.textContent = failedText;
    } else {
      pending.previousSibling.remove(); // the " · " separator
      pending.remove();
    }
  }

  markWaiting() {
    for (const pending of this.log.querySelectorAll(".pending")) pending.textContent = this.t.notSent;
  }

  showTyping() {
    this.typing.hidden = false;
    this.log.append(this.typing);
    this.scrollToEnd();
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.hideTyping(), TYPING_TIMEOUT_MS);
  }

  hideTyping() {
    clearTimeout(this.typingTimer);
    this.typing.hidden = true;
  }

  receive(message) {
    this.hideTyping();
    const buttons = message.quick_replies || message.buttons || [];
    if (!message.text && !buttons.length) return;
    for (const old of this.log.querySelectorAll(".reply:not(.lasting)")) old.disabled = true;
    // Follow the reply's language first, so its spoken label ("Assistant:") is in it too.
    if (!message.staff_name) this.followLanguage(message.text || "");
    this.addMessage({
      sender: "bot",
      text: message.text || "",
      buttons,
      timestamp: Date.now() / 1000,
      staff_name: message.staff_name,
    });
    if (!this.isOpen()) {
      this.store.setUnread(this.store.unread() + 1);
      this.updateBadge();
    }
  }

  submitInput() {
    const text = this.input.value.trim();
    if (!text) return;
    if (text.length > MAX_CHARS) {
      this.showInputError();
      return;
    }
    this.input.value = "";
    this.updateCounter();
    this.send(text, text);
  }

  showInputError() {
    this.counter.textContent = format(this.t.tooLong, { max: MAX_CHARS });
    this.counter.classList.add("limit");
  }

  send(text, display, { silent = false } = {}) {
    const item = { id: newId(), text, display, timestamp: Date.now() / 1000, silent };
    this.store.setOutbox([...this.store.outbox(), item]);
    this.conversationEmpty = false;
    if (!silent) {
      this.addMessage({ sender: "user", text: display, id: item.id, timestamp: item.timestamp, pending: true });
    }
    if (this.ready) this.emit(item);
    else this.markWaiting();
  }

  metadataFor(item) {
    const metadata = { message_id: item.id };
    if (!item.silent) metadata.display_text = item.display;
    if (this.config.operation) metadata.page_operation = this.config.operation;
    return metadata;
  }

  emit(item) {
    this.showTyping();
    this.socket.emit(
      "user_uttered",
      {
        session_id: this.sessionId,
        message: item.text,
        metadata: this.metadataFor(item),
      },
      (ack) => {
        if (!ack) return; // no answer: stays in the outbox, resent on reconnect
        this.store.setOutbox(this.store.outbox().filter((queued) => queued.id !== item.id));
        if (ack.ok) this.markSent(item.id);
        else {
          this.hideTyping();
          this.markSent(item.id, ack.error === "too_long" ? format(this.t.tooLong, { max: MAX_CHARS }) : "");
        }
      },
    );
  }

  flushOutbox() {
    for (const item of this.store.outbox()) this.emit(item);
  }

  // The server could not store our messages now (storage down): they got no
  // acknowledgement and stay in the outbox; say "reconnecting" and resend them
  // once after the delay the server asked for.
  retryLater(seconds) {
    this.hideTyping();
    this.showStatus("reconnecting");
    this.markWaiting();
    if (this.retryTimer) return;
    const delay = Math.min(Math.max(Number(seconds) || 5, 1), 60) * 1000;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.ready) return; // the reconnect's session_confirm resends instead
      this.showStatus(null);
      this.flushOutbox();
    }, delay);
  }

  // --- server ----------------------------------------------------------------

  async requestSession(previousToken) {
    const response = await fetch(`${this.config.server}/api/chat/session`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(previousToken ? { token: previousToken } : {}),
    });
    if (!response.ok) throw new Error(`session ${response.status}`);
    const session = await response.json();
    this.store.setToken(session.token);
    this.sessionId = session.session_id;
    return session;
  }

  async loadHistory() {
    const response = await fetch(`${this.config.server}/api/chat/history`, {
      headers: { Authorization: `Bearer ${this.store.token()}` },
    });
    if (!response.ok) return;
    const { messages } = await response.json();
    const queued = new Set(this.store.outbox().map((item) => item.id));
    for (const message of messages) {
      if (message.message_id && queued.has(message.message_id)) continue;
      if (message.sender === "bot" && !message.staff_name) this.followLanguage(message.text || "");
      this.addMessage(message);
    }
    const replyButtons = [...this.log.querySelectorAll(".replies")];
    replyButtons
      .slice(0, -1)
      .forEach((group) => group.querySelectorAll("button:not(.lasting)").forEach((b) => (b.disabled = true)));
    const outbox = this.store.outbox();
    for (const item of outbox) {
      if (item.silent) continue;
      this.addMessage({ sender: "user", text: item.display, id: item.id, timestamp: item.timestamp, pending: true });
    }
    this.conversationEmpty = messages.length === 0 && outbox.length === 0;
  }

  async start() {
    while (!this.sessionId) {
      try {
        await this.requestSession(this.store.token());
        await this.loadHistory();
      } catch {
        this.sessionId = null;
        this.showStatus("offline");
        await new Promise((resolve) => setTimeout(resolve, 5000));
      }
    }
    this.connect();
  }

  connect() {
    this.socket = io(this.config.socketUrl, {
      path: this.config.socketPath,
      transports: ["websocket", "polling"],
      auth: (callback) => callback({ token: this.store.token() }),
      reconnectionDelayMax: 10000,
    });
    this.socket.on("connect", () => {
      this.failures = 0;
      this.socket.emit("session_request", { session_id: this.sessionId });
    });
    this.socket.on("session_confirm", () => {
      this.ready = true;
      this.showStatus(null);
      this.flushOutbox();
      this.greetIfNew();
    });
    this.socket.on("bot_uttered", (message) => this.receive(message));
    this.socket.on("bot_error", (error) => {
      if (error && error.error === "storage_unavailable") this.retryLater(error.retry_after);
    });
    this.socket.on("disconnect", () => {
      this.ready = false;
      this.hideTyping();
      this.showStatus("reconnecting");
      this.markWaiting();
    });
    this.socket.on("connect_error", async (error) => {
      this.ready = false;
      this.failures += 1;
      this.showStatus(this.failures >= OFFLINE_AFTER_FAILURES ? "offline" : "reconnecting");
      if (error && error.message === "invalid_session") {
        // The server refused our token (expired, or signed with an old key):
        // get a fresh session and connect again.
        try {
          this.store.clearToken();
          await this.requestSession(null);
        } catch {
          /* the server is down: retried on the next attempt */
        }
        setTimeout(() => this.socket.connect(), 1000);
      }
    });
  }
}

// document.currentScript is only set while this file runs, so read the
// configuration now and build the widget once the page is ready.
const CONFIG = readConfig(document.currentScript || document.querySelector('script[src*="widget.js"]'));

function boot() {
  if (document.getElementById("clinic-chat")) return;
  const widget = new ChatWidget(CONFIG);
  window.clinicChat = widget; // for debugging and the browser tests
  widget.mount();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
else boot();

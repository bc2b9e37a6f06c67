// Web chat widget: REST to send and load history, a WebSocket for live messages
// (agent replies arrive later through it), reconnect with catch-up from history.
// Everything is rendered with textContent: customer and agent text is never HTML.
const I18N = {
  "zh-CN": {
    title: "快递在线客服",
    connecting: "连接中…",
    online: "在线",
    offline: "连接已断开，正在重连…",
    placeholder: "输入您的问题或运单号",
    send: "发送",
    bot: "智能客服",
    agent: "人工客服",
    system: "系统消息",
    you: "我",
    tooLong: "消息太长了，请控制在2000字以内。",
    empty: "请输入内容。",
    failed: "发送失败，请重试。",
    attach: "发送图片",
    image: "图片",
    imageTooBig: "图片太大了，请发送 10 MB 以内的图片。",
    imageFailed: "图片发送失败，请重试。",
    typing: "对方正在输入…",
    delivered: "已送达",
    read: "已读",
  },
  en: {
    title: "Delivery customer service",
    connecting: "Connecting…",
    online: "Online",
    offline: "Disconnected, reconnecting…",
    placeholder: "Type your question or waybill number",
    send: "Send",
    bot: "Assistant",
    agent: "Agent",
    system: "Notice",
    you: "Me",
    tooLong: "That message is too long (2,000 characters at most).",
    empty: "Please type something.",
    failed: "Could not send, please try again.",
    attach: "Send a picture",
    image: "Image",
    imageTooBig: "That picture is too large (10 MB at most).",
    imageFailed: "Could not send the picture, please try again.",
    typing: "The agent is typing…",
    delivered: "Delivered",
    read: "Read",
  },
};
const params = new URLSearchParams(location.search);
const locale = (params.get("lang") ?? navigator.language ?? "zh-CN").toLowerCase().startsWith("en") ? "en" : "zh-CN";
const T = { ...I18N[locale] };
// Issue 18: inside the embeddable widget's panel (/widget/frame, framed by widget.js on a carrier's
// site) the brand colour and title come from the snippet; the parent page hears of replies that
// arrive while the panel is closed (for its unread badge) and of the close button.
const embedded = location.pathname === "/widget/frame";
const brand = params.get("color") ?? "";
if (/^#[0-9a-f]{6}$/i.test(brand)) {
  document.documentElement.style.setProperty("--brand", brand);
  document.documentElement.style.setProperty("--me", brand);
  // A light brand (a yellow, a light blue) gets dark text: white on it was unreadable.
  if (!whiteReadsOn(brand)) {
    document.documentElement.style.setProperty("--on-brand", "#1d2129");
    document.documentElement.style.setProperty("--brand-text", "#1d2129");
  }
}
/** Whether white text on this #rrggbb colour meets WCAG AA for normal text (contrast ≥ 4.5). */
function whiteReadsOn(hex) {
  const lin = (i) => {
    const v = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lin(1) + 0.7152 * lin(3) + 0.0722 * lin(5);
  return 1.05 / (l + 0.05) >= 4.5;
}
const customTitle = (params.get("title") ?? "").trim().slice(0, 40);
if (customTitle) T.title = customTitle;
function toParent(event) {
  // Only "something happened", never message text: the parent page is another site.
  if (embedded && window.parent !== window) window.parent.postMessage({ kd: "widget", event }, "*");
}
document.documentElement.lang = locale;
document.title = T.title;
for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = T[el.dataset.i18n];
for (const el of document.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = T[el.dataset.i18nPlaceholder];
for (const el of document.querySelectorAll("[data-i18n-title]")) {
  el.title = T[el.dataset.i18nTitle];
  el.setAttribute("aria-label", T[el.dataset.i18nTitle]);
}

if (embedded) {
  document.body.classList.add("embedded");
  const close = document.createElement("button");
  close.type = "button";
  close.className = "close";
  close.textContent = "×";
  close.title = locale === "en" ? "Close" : "关闭";
  close.setAttribute("aria-label", close.title);
  close.addEventListener("click", () => toParent("close"));
  document.querySelector(".chat-header").append(close);
  window.addEventListener("message", (e) => {
    if (e.source === window.parent && e.data?.kd === "widget" && e.data.event === "open") $input.focus();
  });
}

const $messages = document.getElementById("messages");
const $quick = document.getElementById("quick");
const $form = document.getElementById("composer");
const $input = document.getElementById("input");
const $send = document.getElementById("send");
const $status = document.getElementById("status");
const $hint = document.getElementById("hint");
const $counter = document.getElementById("counter");
const $typing = document.getElementById("typing");
// Issue 18: "对方正在输入…" while the agent types (their console signals it at most every 2 s);
// gone when their message arrives, or 5 s after the last signal.
let typingTimer;
let typingSent = 0;
function showTyping(on) {
  clearTimeout(typingTimer);
  $typing.textContent = on ? T.typing : "";
  $typing.hidden = !on;
  if (on) typingTimer = setTimeout(() => showTyping(false), 5000);
}
const graphemes = (s) =>
  Array.from(new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(s), (g) => g.segment);
function avatarOf(name) {
  const chars = graphemes(name.trim());
  const cjk = chars.length > 0 && /\p{Script=Han}/u.test(chars[chars.length - 1]);
  const el = document.createElement("span");
  el.className = "avatar";
  el.setAttribute("aria-hidden", "true");
  el.textContent = cjk ? chars.slice(-2).join("") : (chars[0] ?? "?").toUpperCase();
  let hash = 0;
  for (const c of name) hash = (hash * 31 + c.codePointAt(0)) % 360;
  el.style.background = `hsl(${hash} 55% 45%)`;
  return el;
}
/** The server's limit (MAX_TEXT_LENGTH, counted in UTF-16 units like String#length). */
const MAX_TEXT = 2000;
// Issue 18: the newest message stays in view when something takes room from the list (the
// quick-reply bar of a survey question, the counter, a thumbnail loading), unless the customer
// scrolled up to read.
let pinned = true;
$messages.addEventListener("scroll", () => {
  pinned = $messages.scrollHeight - $messages.scrollTop - $messages.clientHeight < 40;
});
new ResizeObserver(() => {
  if (pinned) $messages.scrollTop = $messages.scrollHeight;
}).observe($messages);
$messages.addEventListener(
  "load",
  () => {
    if (pinned) $messages.scrollTop = $messages.scrollHeight;
  },
  true,
);
const $file = document.getElementById("file");
/** Issue 17: the upload limit the server enforces too (ATTACHMENT_TOO_LARGE). */
const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
const STORE_KEY = `kd-webchat-${locale}`;
const seen = new Set();
let lastSeq = 0n;
/** Issue 18: the customer's messages up to this seq were read by the agent (已读). */
let readUpTo = 0n;

/** Marks the customer's stored messages 已送达, or 已读 up to what the agent has seen. */
function markRead(upTo) {
  if (upTo && BigInt(upTo) > readUpTo) readUpTo = BigInt(upTo);
  for (const li of $messages.querySelectorAll(".msg.in[data-seq]")) {
    const read = BigInt(li.dataset.seq) <= readUpTo;
    li.dataset.mark = read ? T.read : T.delivered;
    li.dataset.read = String(read);
  }
}
// The session is kept by the page that shows the chat. In the widget's panel that is the carrier's
// page (widget.js, first-party storage there): browsers deny or partition storage in a third-party
// iframe, so the panel gets the session in its URL's fragment (never sent to a server) and hands a
// new one back to the page that framed it.
const parentOrigin = embedded ? (params.get("parent") ?? "") : "";
function loadSession() {
  if (embedded) {
    const s = new URLSearchParams(location.hash.slice(1));
    if (!s.get("sid") || !s.get("token")) return null;
    let greeting;
    try {
      greeting = JSON.parse(s.get("greeting") ?? "null") ?? undefined;
    } catch {}
    return { sessionId: s.get("sid"), token: s.get("token"), greeting };
  }
  return JSON.parse(localStorage.getItem(STORE_KEY) ?? "null");
}
function saveSession(value) {
  if (embedded) {
    if (/^https?:\/\/[^/]+$/.test(parentOrigin))
      window.parent.postMessage({ kd: "widget", event: "session", session: value }, parentOrigin);
    return;
  }
  if (value) localStorage.setItem(STORE_KEY, JSON.stringify(value));
  else localStorage.removeItem(STORE_KEY);
}
let session = loadSession();
/** Set once the history is shown: what renders after that is new (the widget's badge counts it). */
let booted = false;

function showHint(text) {
  $hint.textContent = text ?? "";
  $hint.hidden = !text;
}

function render(message) {
  if (seen.has(message.id)) return;
  seen.add(message.id);
  if (message.seq && BigInt(message.seq) > lastSeq) lastSeq = BigInt(message.seq);
  const li = document.createElement("li");
  li.className = `msg ${message.direction}${message.author === "agent" ? " agent" : ""}`;
  li.dataset.author = message.author;
  // Stored by the server: delivered (already read when the agent has seen up to it).
  if (message.direction === "in" && message.seq) {
    li.dataset.seq = String(message.seq);
    const read = BigInt(message.seq) <= readUpTo;
    li.dataset.mark = read ? T.read : T.delivered;
    li.dataset.read = String(read);
  }
  if (message.direction === "out") {
    const who = document.createElement("span");
    who.className = "who";
    // Issue 18: a person's answer carries their name (人工客服 · 小李).
    who.textContent = message.agentName ? `${T.agent} · ${message.agentName}` : (T[message.author] ?? T.bot);
    // …and their avatar: the name's last two characters in Chinese (小李, 小明 of 王小明), the
    // first letter otherwise, on a colour chosen by the name (issue 18).
    if (message.agentName) li.append(avatarOf(message.agentName));
    li.append(who);
  }
  if (message.attachments?.length) for (const a of message.attachments) li.append(imageOf(a));
  else li.append(document.createTextNode(message.text));
  // Issue 18: when it was said (the customer's clock, hours and minutes; the date when not today),
  // drawn by CSS from data-at so the message's text stays the message.
  if (message.createdAt) {
    const at = new Date(message.createdAt);
    const today = at.toDateString() === new Date().toDateString();
    li.dataset.at = at.toLocaleString(locale, {
      ...(today ? {} : { month: "numeric", day: "numeric" }),
      hour: "2-digit",
      minute: "2-digit",
    });
    li.title = at.toLocaleString(locale);
  }
  $messages.append(li);
  $messages.scrollTop = $messages.scrollHeight;
  if (message.direction === "out") renderQuickReplies(message.quickReplies ?? []);
  if (message.author === "agent") showTyping(false);
  if (booted && message.direction === "out") toParent("reply");
  // The quick-reply bar just took room from the list: the newest message stays in view.
  if (pinned) $messages.scrollTop = $messages.scrollHeight;
}

// Issue 17: a sent image, loaded with the session token (an <img src> cannot send it) and
// shown through a blob: URL; a tap opens the full size.
function imageOf(a) {
  const img = document.createElement("img");
  img.className = "thumb";
  img.alt = T.image;
  const url = `/api/webchat/sessions/${session.sessionId}/attachments/${a.id}`;
  const load = (variant) =>
    fetch(`${url}?variant=${variant}`, { headers: { authorization: `Bearer ${session.token}` } }).then((res) =>
      res.ok ? res.blob().then((b) => URL.createObjectURL(b)) : Promise.reject(new Error(String(res.status))),
    );
  load("thumb")
    .then((src) => {
      img.src = src;
    })
    .catch(() => img.replaceWith(document.createTextNode(`[${T.image}]`)));
  img.addEventListener("click", () => load("full").then((src) => window.open(src, "_blank", "noopener")));
  return img;
}

/** Sends images one by one (a thumbnail shows while each uploads); each is answered like a message. */
async function sendImages(files) {
  for (const file of files) {
    if (!file.type.startsWith("image/")) continue;
    if (file.size > MAX_IMAGE_BYTES) {
      showHint(T.imageTooBig);
      continue;
    }
    showHint("");
    const li = document.createElement("li");
    li.className = "msg in pending";
    const preview = document.createElement("img");
    preview.className = "thumb";
    preview.alt = T.image;
    preview.src = URL.createObjectURL(file);
    li.append(preview);
    $messages.append(li);
    $messages.scrollTop = $messages.scrollHeight;
    $quick.replaceChildren();
    const form = new FormData();
    form.append("file", file, file.name || "image");
    try {
      const res = await fetch(`/api/webchat/sessions/${session.sessionId}/attachments`, {
        method: "POST",
        headers: { authorization: `Bearer ${session.token}` },
        body: form,
      });
      const body = await res.json().catch(() => null);
      if (!res.ok) throw Object.assign(new Error(body?.error?.message ?? res.statusText), { status: res.status });
      li.remove();
      await loadHistory();
      for (const r of body.replies) render(r);
    } catch (err) {
      li.remove();
      showHint(err.status >= 400 && err.status < 500 && err.status !== 401 ? err.message : T.imageFailed);
    } finally {
      URL.revokeObjectURL(preview.src);
    }
  }
}

function renderQuickReplies(replies) {
  $quick.replaceChildren(
    ...replies.map((q) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = q.title;
      b.addEventListener("click", () => send(q.value ?? q.title));
      return b;
    }),
  );
}

async function api(path, options = {}) {
  const res = await fetch(path, {
    ...options,
    headers: {
      "content-type": "application/json",
      ...(session ? { authorization: `Bearer ${session.token}` } : {}),
      ...options.headers,
    },
  });
  const body = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw Object.assign(new Error(body?.error?.message ?? res.statusText), { status: res.status, body });
  return body;
}

async function startSession() {
  const created = await api("/api/webchat/sessions", { method: "POST", body: JSON.stringify({ locale }) });
  session = { sessionId: created.sessionId, token: created.token, greeting: created.greeting };
  saveSession(session);
}

async function loadHistory() {
  const after = lastSeq > 0n ? `?after=${lastSeq}` : "";
  const { messages, readUpTo: upTo } = await api(`/api/webchat/sessions/${session.sessionId}/messages${after}`);
  for (const m of messages) render(m);
  markRead(upTo);
}

async function send(text) {
  text = text.trim();
  if (!text) return showHint(T.empty);
  if (text.length > MAX_TEXT) return showHint(T.tooLong);
  showHint("");
  typingSent = 0; // the next word typed is a new message: signalled at once
  const clientMessageId = crypto.randomUUID();
  const li = document.createElement("li");
  li.className = "msg in pending";
  li.textContent = text;
  $messages.append(li);
  $messages.scrollTop = $messages.scrollHeight;
  $quick.replaceChildren();
  $send.disabled = true;
  try {
    const { replies } = await api(`/api/webchat/sessions/${session.sessionId}/messages`, {
      method: "POST",
      body: JSON.stringify({ text, clientMessageId }),
    });
    li.remove();
    await loadHistory(); // the stored inbound message, in order
    for (const r of replies) render(r);
  } catch (err) {
    li.remove();
    if (err.status === 401 || err.status === 404) {
      session = null;
      saveSession(null);
      await boot();
    }
    showHint(err.status === 400 ? err.message : T.failed);
    $input.value = text;
  } finally {
    updateCounter();
  }
}

let socket;
let retry = 0;
function connect() {
  const proto = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(
    `${proto}://${location.host}/api/webchat/ws?sessionId=${encodeURIComponent(session.sessionId)}&token=${encodeURIComponent(session.token)}`,
  );
  socket.addEventListener("open", () => {
    retry = 0;
    $status.textContent = T.online;
    loadHistory().catch(() => {}); // catch up on what arrived while disconnected
  });
  socket.addEventListener("message", (e) => {
    const event = JSON.parse(e.data);
    if (event.type === "message" && event.message) render(event.message);
    else if (event.type === "typing" && event.from === "agent") showTyping(true);
    else if (event.type === "read") markRead(event.upTo);
  });
  socket.addEventListener("close", (e) => {
    $status.textContent = T.offline;
    if (e.code === 4401) return;
    setTimeout(connect, Math.min(10_000, 500 * 2 ** retry++));
  });
}

async function boot() {
  booted = false;
  if (!session) await startSession();
  $messages.replaceChildren();
  seen.clear();
  lastSeq = 0n;
  readUpTo = 0n;
  if (session.greeting) render({ id: "greeting", direction: "out", author: "bot", ...session.greeting });
  try {
    await loadHistory();
  } catch (err) {
    if (err.status === 401 || err.status === 404) {
      session = null;
      saveSession(null);
      return boot();
    }
    throw err;
  }
  booted = true;
  toParent("ready");
  connect();
}

$form.addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $input.value;
  // Too long: kept in the box for the customer to shorten, never cut or thrown away.
  if (text.length > MAX_TEXT) return showHint(T.tooLong);
  $input.value = "";
  updateCounter();
  send(text);
});
$file.addEventListener("change", () => {
  const files = [...$file.files];
  $file.value = "";
  sendImages(files);
});
// Pasted screenshots and dropped photos are sent like picked ones.
$input.addEventListener("paste", (e) => {
  const files = [...(e.clipboardData?.files ?? [])].filter((f) => f.type.startsWith("image/"));
  if (files.length) {
    e.preventDefault();
    sendImages(files);
  }
});
document.addEventListener("dragover", (e) => e.preventDefault());
document.addEventListener("drop", (e) => {
  e.preventDefault();
  sendImages([...(e.dataTransfer?.files ?? [])]);
});
// Issue 18: a visible count near the limit, never a silent cut (the box has no maxlength, so a
// long paste stays whole and the customer can shorten it); a hint from the last try is cleared
// once they type again.
function updateCounter() {
  const n = $input.value.length;
  $counter.hidden = n < MAX_TEXT * 0.8;
  $counter.textContent = `${n.toLocaleString(locale)} / ${MAX_TEXT.toLocaleString(locale)}`;
  $counter.classList.toggle("over", n > MAX_TEXT);
  $send.disabled = n > MAX_TEXT;
  if (n > MAX_TEXT) showHint(T.tooLong);
  else if ($hint.textContent === T.tooLong || $hint.textContent === T.empty) showHint("");
}
$input.addEventListener("input", updateCounter);
// The customer is typing: the agent's console shows it (the server relays at most every 2 s).
$input.addEventListener("input", () => {
  if (!$input.value.trim() || socket?.readyState !== 1 || Date.now() - typingSent < 1500) return;
  typingSent = Date.now();
  socket.send('{"type":"typing"}');
});
$input.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    $form.requestSubmit();
  }
});

boot().catch(() => showHint(T.failed));

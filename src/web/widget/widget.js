// kuaidi-desk web chat widget (issue 18): one tag on any site,
//   <script src="https://<host>/widget.js" data-lang="zh-CN" data-color="#e60012" data-title="…" async></script>
// gives a launcher bubble with an unread badge that opens the chat in a panel. The bubble lives in
// a shadow root (the host page's CSS does not reach it) and the chat in an iframe of /widget/frame
// (neither the page's CSS nor its scripts reach it; the session token stays in the frame's own
// storage). The server bakes the /admin settings in below; data- attributes override them.
(() => {
  const script = document.currentScript;
  if (!script || window.__kuaidiDeskWidget) return;
  window.__kuaidiDeskWidget = true;
  const DEFAULTS = __KD_WIDGET_DEFAULTS__;
  const origin = new URL(script.src, location.href).origin;
  const d = script.dataset;
  const lang = (d.lang || navigator.language || "zh-CN").toLowerCase().startsWith("en") ? "en" : "zh-CN";
  const color = /^#[0-9a-f]{6}$/i.test(d.color || "") ? d.color : DEFAULTS.color;
  const title = (d.title || "").trim().slice(0, 40) || (lang === "en" ? DEFAULTS.titleEn : DEFAULTS.titleZh);
  const side = d.position === "left" || d.position === "right" ? d.position : DEFAULTS.position;
  const L =
    lang === "en"
      ? { open: "Chat with us", close: "Close the chat", unread: (n) => `${n} unread` }
      : { open: "在线客服", close: "关闭客服窗口", unread: (n) => `${n} 条未读` };

  // The carrier's page keeps the chat session (its id and token, valid for this one chat only),
  // whether the panel was open and how many replies are unread: storage in a third-party iframe is
  // denied or partitioned by browsers, first-party storage here is not.
  const STORE = `kd-widget:${origin}`;
  const state = { session: null, open: false, unread: 0 };
  try {
    Object.assign(state, JSON.parse(localStorage.getItem(STORE) || "{}"));
  } catch {}
  const save = () => {
    try {
      localStorage.setItem(STORE, JSON.stringify(state));
    } catch {}
  };

  const CSS = `
:host { all: initial !important; }
* { box-sizing: border-box; }
.launcher {
  all: initial; position: fixed; bottom: 20px; ${side}: 20px; z-index: 2147483647;
  width: 56px; height: 56px; border-radius: 50%; background: var(--kd-brand); color: var(--kd-on-brand);
  display: flex; align-items: center; justify-content: center; cursor: pointer;
  box-shadow: 0 4px 16px rgba(0,0,0,.25); transition: transform .15s;
}
.launcher:hover { transform: scale(1.06); }
.launcher:focus-visible { outline: 3px solid #1677ff; outline-offset: 2px; }
.launcher svg { display: block; width: 28px; height: 28px; fill: none; stroke: currentColor; stroke-width: 2; }
.launcher .x { display: none; }
.launcher[aria-expanded="true"] .bubble { display: none; }
.launcher[aria-expanded="true"] .x { display: block; }
.badge {
  all: initial; display: block; box-sizing: border-box; position: absolute; top: -4px; ${side === "right" ? "left" : "right"}: -4px; min-width: 20px; height: 20px;
  padding: 0 6px; border-radius: 10px; background: #f53f3f; color: #fff; border: 2px solid #fff;
  font: 600 12px/16px -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; text-align: center;
}
.badge[hidden] { display: none; }
.panel {
  position: fixed; bottom: 88px; ${side}: 20px; z-index: 2147483647;
  width: min(380px, calc(100vw - 40px)); height: min(620px, calc(100vh - 108px));
  border-radius: 12px; overflow: hidden; background: #f4f5f7; box-shadow: 0 8px 32px rgba(0,0,0,.22);
}
.panel[hidden] { display: none; }
.panel iframe { display: block; width: 100%; height: 100%; border: 0; margin: 0; padding: 0; }
@media (max-width: 480px) {
  .panel { inset: 0; width: 100vw; height: 100vh; border-radius: 0; }
  .launcher[aria-expanded="true"] { display: none; }
}`;

  const host = document.createElement("kuaidi-desk-widget");
  // Inline and !important: the host element is the only part the page's selectors can reach.
  host.style.cssText =
    "all: initial !important; display: block !important; position: fixed !important; width: 0 !important; height: 0 !important; z-index: 2147483647 !important;";
  host.style.setProperty("--kd-brand", color);
  // A light brand colour gets a dark icon (the chat panel does the same: chat.js whiteReadsOn;
  // this script runs alone on the carrier's page, so it keeps its own copy).
  host.style.setProperty("--kd-on-brand", whiteReadsOn(color) ? "#fff" : "#1d2129");
  const root = host.attachShadow({ mode: "open" });
  if ("adoptedStyleSheets" in root && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
    // A constructed sheet: allowed where the page's CSP has no 'unsafe-inline' for styles.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement("style");
    style.textContent = CSS;
    root.append(style);
  }
  const panel = document.createElement("div");
  panel.className = "panel";
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", title);
  panel.hidden = true;
  const launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "launcher";
  launcher.setAttribute("aria-label", L.open);
  launcher.setAttribute("aria-expanded", "false");
  const svgNs = "http://www.w3.org/2000/svg";
  const icon = (cls, d) => {
    const svg = document.createElementNS(svgNs, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("class", cls);
    const path = document.createElementNS(svgNs, "path");
    path.setAttribute("d", d);
    path.setAttribute("stroke-linecap", "round");
    path.setAttribute("stroke-linejoin", "round");
    svg.append(path);
    return svg;
  };
  const badge = document.createElement("span");
  badge.className = "badge";
  badge.hidden = true;
  launcher.append(
    icon("bubble", "M4 5h16v11H9l-5 4z M8 10h.01 M12 10h.01 M16 10h.01"),
    icon("x", "M6 6l12 12 M18 6L6 18"),
    badge,
  );
  root.append(panel, launcher);

  let frame = null;
  let frameReady = false;
  /** Whether white on this #rrggbb colour meets WCAG AA for normal text (contrast ≥ 4.5). */
  function whiteReadsOn(hex) {
    const lin = (i) => {
      const v = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 1.05 / (0.2126 * lin(1) + 0.7152 * lin(3) + 0.0722 * lin(5) + 0.05) >= 4.5;
  }

  function ensureFrame() {
    if (frame) return;
    frame = document.createElement("iframe");
    const q = new URLSearchParams({ lang, color, title, parent: location.origin });
    const s = state.session;
    // In the fragment: never sent to a server, never in a log.
    const hash = s
      ? `#${new URLSearchParams({ sid: s.sessionId, token: s.token, ...(s.greeting ? { greeting: JSON.stringify(s.greeting) } : {}) })}`
      : "";
    frame.src = `${origin}/widget/frame?${q}${hash}`;
    frame.title = title;
    frame.setAttribute("allow", "clipboard-write");
    panel.append(frame);
  }

  function renderBadge() {
    badge.hidden = state.unread === 0;
    badge.textContent = state.unread > 99 ? "99+" : String(state.unread);
    launcher.setAttribute("aria-label", state.unread ? `${L.open} (${L.unread(state.unread)})` : L.open);
  }

  function setOpen(open) {
    state.open = open;
    if (open) {
      ensureFrame();
      state.unread = 0;
      if (frameReady) frame.contentWindow.postMessage({ kd: "widget", event: "open" }, origin);
    }
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    renderBadge();
    if (open) launcher.setAttribute("aria-label", L.close);
    save();
  }

  launcher.addEventListener("click", () => setOpen(!state.open));
  window.addEventListener("message", (e) => {
    if (!frame || e.source !== frame.contentWindow || e.origin !== origin) return;
    const m = e.data;
    if (m?.kd !== "widget") return;
    if (m.event === "close") setOpen(false);
    else if (m.event === "session") {
      const s = m.session;
      state.session =
        s && typeof s.sessionId === "string" && typeof s.token === "string"
          ? { sessionId: s.sessionId, token: s.token, greeting: s.greeting }
          : null;
      save();
    } else if (m.event === "ready") {
      frameReady = true;
      if (state.open) frame.contentWindow.postMessage({ kd: "widget", event: "open" }, origin);
    } else if (m.event === "reply" && !state.open) {
      // A reply that arrived while the panel was closed (an agent's answer, a survey question).
      state.unread += 1;
      renderBadge();
      save();
    }
  });

  const mount = () => {
    document.body.append(host);
    // A chat already started on an earlier page keeps listening (for the badge) while closed.
    if (state.session) ensureFrame();
    setOpen(state.open);
  };
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();

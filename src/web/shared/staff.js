// Shared by the staff pages (console, admin, dashboard): locale, element builder, API client
// with the bearer token, toasts. Every text goes through textContent, never innerHTML.
export const locale = (new URLSearchParams(location.search).get("lang") ?? navigator.language ?? "zh-CN")
  .toLowerCase()
  .startsWith("en")
  ? "en"
  : "zh-CN";

/** Applies a page's translations to [data-i18n] and [data-i18n-placeholder] elements. */
export function applyI18n(T) {
  document.documentElement.lang = locale;
  if (T.title) document.title = T.title;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = T[el.dataset.i18n] ?? el.textContent;
  for (const el of document.querySelectorAll("[data-i18n-placeholder]"))
    el.placeholder = T[el.dataset.i18nPlaceholder] ?? el.placeholder;
}

/** Tiny element builder: children are nodes or strings (strings become text nodes). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat())
    if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export const session = {
  get token() {
    return sessionStorage.getItem("kd-token");
  },
  set token(value) {
    if (value) sessionStorage.setItem("kd-token", value);
    else sessionStorage.removeItem("kd-token");
  },
};

/** Calls the API with the staff token; a 401 clears it and calls onUnauthorized. */
export function createApi(onUnauthorized) {
  return async function api(path, options = {}) {
    const token = session.token;
    const res = await fetch(path, {
      ...options,
      headers: {
        ...(options.body ? { "content-type": "application/json" } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
    if (res.status === 401) {
      session.token = null;
      onUnauthorized();
      throw new Error("unauthenticated");
    }
    const body = res.status === 204 ? null : await res.json().catch(() => null);
    if (!res.ok)
      throw Object.assign(new Error(body?.error?.message ?? res.statusText), {
        status: res.status,
        code: body?.error?.code,
      });
    return body;
  };
}

/** Logs in; resolves to the token, or rejects with the HTTP status. */
export async function login(username, password) {
  const res = await fetch("/api/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw Object.assign(new Error("login failed"), { status: res.status });
  const { token } = await res.json();
  session.token = token;
  return token;
}

export function toast(text, kind = "") {
  let box = document.getElementById("toasts");
  if (!box) {
    box = h("div", { id: "toasts", class: "toasts", "aria-live": "assertive" });
    document.body.append(box);
  }
  const el = h("div", { class: `toast ${kind}`, role: "status" }, text);
  box.append(el);
  setTimeout(() => el.remove(), 6000);
}

export const CATEGORY_LABELS = {
  "zh-CN": {
    DELAY: "延误",
    LOSS: "丢失短少",
    DAMAGE: "损毁",
    STAFF_ATTITUDE: "服务态度",
    IMPROPER_CHARGE: "违规收费",
    DELIVERY_SERVICE: "投递服务",
    PICKUP_SERVICE: "收寄服务",
    TRACKING_INFO: "信息不准确",
    COD: "代收货款",
    AFTER_SALES: "售后服务",
    OTHER: "其他",
  },
  en: {
    DELAY: "Delay",
    LOSS: "Loss",
    DAMAGE: "Damage",
    STAFF_ATTITUDE: "Staff attitude",
    IMPROPER_CHARGE: "Improper charge",
    DELIVERY_SERVICE: "Delivery service",
    PICKUP_SERVICE: "Pickup service",
    TRACKING_INFO: "Tracking info",
    COD: "Cash on delivery",
    AFTER_SALES: "After-sales",
    OTHER: "Other",
  },
};
export const categoryLabel = (code) => (code ? (CATEGORY_LABELS[locale][code] ?? code) : "");

/**
 * The holiday-calendar banner (issue 19): /readyz says how far the holiday data reaches; from
 * 60 days before its end (or once it has ended) the staff pages show its message in `container`,
 * which gets data-checked once the answer is in.
 */
export async function showCalendarBanner(container) {
  let banner = null;
  try {
    const { calendar } = await (await fetch("/readyz")).json();
    if (calendar && calendar.status !== "ok")
      banner = h(
        "div",
        { class: `calendar-banner ${calendar.status}`, role: "status", "data-calendar": calendar.status },
        calendar.message,
      );
  } catch {
    // No banner when /readyz cannot be read.
  }
  container.replaceChildren(...(banner ? [banner] : []));
  container.dataset.checked = "true";
}

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

// Issue 18: the intent engine's and the channels' codes in words (intents/nlu.ts INTENTS).
const INTENT_LABELS = {
  "zh-CN": {
    track: "查件",
    complaint: "投诉",
    complaint_progress: "投诉进度",
    inquiry: "咨询",
    suggestion: "建议",
    human: "转人工",
    greeting: "问候",
    thanks: "致谢",
    urge: "催件",
    address_change: "改地址",
    pickup: "预约取件",
    delivery_preference: "派送偏好",
    claim: "理赔",
    none: "未识别",
  },
  en: {
    track: "Tracking",
    complaint: "Complaint",
    complaint_progress: "Complaint progress",
    inquiry: "Inquiry",
    suggestion: "Suggestion",
    human: "Asked for a person",
    greeting: "Greeting",
    thanks: "Thanks",
    urge: "Hurry a parcel",
    address_change: "Address change",
    pickup: "Pickup",
    delivery_preference: "Delivery preference",
    claim: "Claim",
    none: "Not understood",
  },
};
export const intentLabel = (code) => (code ? (INTENT_LABELS[locale][code] ?? code) : "");

const CHANNEL_LABELS = {
  "zh-CN": { webchat: "网页", wechat: "微信", wechat_oa: "微信公众号", sms: "短信", botframework: "Bot Framework" },
  en: { webchat: "Web", wechat: "WeChat", wechat_oa: "WeChat OA", sms: "SMS", botframework: "Bot Framework" },
};
export const channelLabel = (code) => CHANNEL_LABELS[locale][code] ?? code;

const VISITOR = { "zh-CN": "访客", en: "visitor" };
/**
 * A conversation's title: the customer's name, else their masked phone (the API never sends a
 * raw one), else "网页访客 11-30 10:21" (channel and first visit), never an id.
 */
export function customerTitle(c) {
  if (c.customer?.name) return c.customer.name;
  if (c.customer?.phone) return c.customer.phone;
  const at = c.createdAt
    ? new Date(c.createdAt).toLocaleString(locale, {
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
      })
    : "";
  const who =
    locale === "en" ? `${channelLabel(c.channel)} ${VISITOR.en}` : `${channelLabel(c.channel)}${VISITOR["zh-CN"]}`;
  return at ? `${who} ${at}` : who;
}

import { addUnread, alertAgent, askPermissionOnce, clearUnread, unread } from "/static/console/alerts.js";
import { installShortcuts, SHORTCUTS } from "/static/console/shortcuts.js";
import {
  applyI18n,
  CATEGORY_LABELS,
  categoryLabel,
  channelLabel,
  createApi,
  customerTitle,
  h,
  intentLabel,
  locale,
  login,
  session,
  toast,
} from "/static/shared/staff.js";
import { staffWithRole } from "/static/shared/words.js";
import { R, requestActions, requestInfo, typeLabel, typeSelect } from "./requests.js";
import { S, suggestionDetail, suggestionItems } from "./suggestions.js";

// Agent console: queue of handed-off conversations, own conversations, tickets sorted by time
// to breach with live SLA countdowns, conversation and ticket views, realtime over WebSocket.
// Every text is rendered with textContent (customer text is never HTML).
const I18N = {
  "zh-CN": {
    title: "客服工作台",
    admin: "系统管理",
    dissatisfied: "客户评价不满意，请跟进",
    username: "用户名",
    password: "密码",
    login: "登录",
    logout: "退出",
    dashboard: "数据看板",
    offline: "离线",
    live: "实时",
    "presence.online": "在线",
    "presence.away": "离开",
    "presence.offline": "离线",
    "tab.queued": "待接入",
    "tab.mine": "我的会话",
    "tab.tickets": "工单",
    "tab.suggestions": "建议",
    search: "工单号 / 运单号 / 手机号",
    "scope.open": "未解决",
    "scope.me": "我的",
    "scope.none": "未分配",
    "scope.breached": "已超时",
    "scope.all": "全部",
    pick: "从左侧选择一个会话或工单",
    empty: "暂无",
    take: "接入",
    release: "结束人工",
    transfer: "转交",
    openComplaint: "登记投诉",
    complaintCategory: "投诉类别",
    complaintDescription: "问题描述",
    complaintWaybill: "运单号（可不填）",
    complaintPhone: "联系电话（可不填）",
    complaintOpened: (n) => `已登记投诉 ${n}`,
    reply: "回复客户",
    note: "内部备注",
    send: "发送",
    enterToSend: "（Enter 发送，Shift+Enter 换行）",
    mentionedYou: "在备注中提到了你",
    labels: "标签",
    allLabels: "全部标签",
    addLabel: "+ 标签",
    removeLabel: "移除标签",
    openConversation: "打开会话",
    dismiss: "关闭",
    mentionNotVisible: "被 @ 的同事无权查看此会话，备注未保存。",
    noColleague: "没有匹配的同事",
    canned: "快捷回复",
    waiting: "等待",
    customer: "客户",
    phone: "手机",
    channel: "渠道",
    language: "客户语言",
    "language.zh-CN": "中文",
    "language.en": "英文（请用英文回复）",
    intent: "意图",
    category: "类别",
    waybill: "运单号",
    tracking: "物流轨迹",
    tickets: "历史工单",
    ticket: "本会话工单",
    clocks: "SLA 时钟",
    calendarFallback: "节假日数据缺失，按周一至周五及法定节假日计算（不含调休）",
    region: "地区",
    stage: "环节",
    correctPlace: "更正地区/环节/网点",
    outlet: "网点",
    outletHint: "责任网点（网点名称或编码，留空为未知）",
    outletPlaceholder: "网点名称或编码",
    placeHint: "地区（城市名或行政区划代码，留空不变）",
    unknownPlace: "未知",
    stages: { pickup: "揽收", transit: "分拣转运", delivery: "派送", after_delivery: "签收后" },
    events: "处理记录",
    description: "问题描述",
    resolution: "处理结果",
    rootCause: "原因归属",
    chooseRootCause: "请选择（001 第五条）",
    responsibleOutlet: "责任网点（网点名称或编码，可留空）",
    quality: "质量原因",
    non_quality: "非质量原因（人为）",
    pend: "待客户回复",
    resolve: "解决",
    reopen: "重开",
    image: "图片",
    imageUnavailable: "图片无法显示",
    fullImage: "查看原图",
    ocrText: "识别文字",
    evidence: "凭证照片",
    sendImage: "发送图片",
    takeTicket: "接单",
    cancel: "取消",
    confirm: "确定",
    toAgent: "转给客服（用户名）",
    toGroup: "或转给小组",
    why: "转交说明",
    takenBy: "处理人",
    unassigned: "未分配",
    // One text for a wrong password, an unknown user and a locked account (the API does not tell them apart).
    failed: "用户名或密码错误，或多次失败后账号已临时锁定",
    handoff: "新的转人工会话",
    newMessage: "客户新消息",
    typing: "对方正在输入…",
    unreadCount: (n) => `${n} 条未读`,
    shortcuts: "快捷键",
    close: "关闭",
    newTicket: "新工单",
    slaWarn: "SLA 即将超时",
    slaBreach: "SLA 已超时",
    left: "剩余",
    over: "超时",
    met: "已达成",
    stopped: "未响应即解决",
    paused: "已暂停",
    first_response: "首次响应",
    resolution_clock: "解决时限",
    regulatory: "7日法定时限",
    appeal_report: "12305 申诉·10日内报送处理情况",
    appeal_mediation: "12305 调解·3个工作日内反馈",
    source: { spb12305: "12305 申诉（邮政管理部门转办）", ecommerce: "电商平台转入" },
    externalDeadline: "对方时限",
    bot: "智能客服",
    agent: "客服",
    system: "系统",
    status: { new: "新建", open: "处理中", pending_customer: "待客户", resolved: "已解决", closed: "已关闭" },
    priority: { normal: "普通", high: "高", urgent: "紧急" },
    mode: { queued: "排队中", agent: "人工中", bot: "机器人" },
    reason: {
      customer_request: "客户要求",
      not_understood: "机器人未理解",
      angry: "客户情绪激动",
      survey_dissatisfied: "满意度回访：不满意",
    },
    /** Issue 18: ticket events in words (the API's codes stay in data-type). */
    event: {
      created: "创建工单",
      taken: "接单",
      reply: "回复客户",
      note: "内部备注",
      pending_customer: "等待客户",
      customer_replied: "客户已回复",
      resolved: "已解决",
      reopened: "重新打开",
      transferred: "转交",
      closed: "已关闭",
      completed: "已办结",
      rejected: "已驳回",
      cancelled: "已取消",
      converted: "转为投诉",
      proposed: "提出赔付方案",
      agreed: "客户同意方案",
      proposal_declined: "客户不同意方案",
      first_response: "首次响应",
      urge: "客户催办",
      joined: "重复催件并入",
      evidence_added: "补充凭证图片",
      place_corrected: "更正地区/环节",
      "survey.dissatisfied": "回访不满意",
      "sla.started": "SLA 计时开始",
      "sla.paused": "SLA 计时暂停",
      "sla.resumed": "SLA 计时恢复",
      "sla.warning": "SLA 即将超时",
      "sla.breached": "SLA 已超时",
      "sla.met": "SLA 达成",
      "sla.stopped": "SLA 计时停止",
      "sla.recalculated": "SLA 按新节假日重算",
    },
  },
  en: {
    title: "Agent console",
    admin: "Administration",
    dissatisfied: "Customer dissatisfied, please follow up:",
    username: "Username",
    password: "Password",
    login: "Log in",
    logout: "Log out",
    dashboard: "Dashboard",
    offline: "offline",
    live: "live",
    "presence.online": "Online",
    "presence.away": "Away",
    "presence.offline": "Offline",
    "tab.queued": "Queue",
    "tab.mine": "Mine",
    "tab.tickets": "Tickets",
    "tab.suggestions": "Suggestions",
    search: "Ticket / waybill / phone",
    "scope.open": "Open",
    "scope.me": "Mine",
    "scope.none": "Unassigned",
    "scope.breached": "Breached",
    "scope.all": "All",
    pick: "Pick a conversation or ticket on the left",
    empty: "Nothing here",
    take: "Take",
    release: "Hand back to bot",
    transfer: "Transfer",
    openComplaint: "Register complaint",
    complaintCategory: "Complaint category",
    complaintDescription: "What happened",
    complaintWaybill: "Waybill (optional)",
    complaintPhone: "Contact phone (optional)",
    complaintOpened: (n) => `Complaint ${n} registered`,
    reply: "Reply to customer",
    note: "Internal note",
    send: "Send",
    enterToSend: " (Enter to send, Shift+Enter for a new line)",
    mentionedYou: "mentioned you in a note",
    labels: "Labels",
    allLabels: "All labels",
    addLabel: "+ Label",
    removeLabel: "Remove label",
    openConversation: "Open conversation",
    dismiss: "Dismiss",
    mentionNotVisible: "A colleague you mentioned cannot see this conversation; the note was not saved.",
    noColleague: "No colleague matches",
    canned: "Canned replies",
    waiting: "waiting",
    customer: "Customer",
    phone: "Phone",
    channel: "Channel",
    language: "Customer's language",
    "language.zh-CN": "Chinese (reply in Chinese)",
    "language.en": "English",
    intent: "Intent",
    category: "Category",
    waybill: "Waybill",
    tracking: "Tracking",
    tickets: "Earlier tickets",
    ticket: "This conversation's ticket",
    clocks: "SLA clocks",
    calendarFallback: "No holiday data: counted Monday–Friday and statutory holidays (no make-up days)",
    region: "Region",
    stage: "Stage",
    correctPlace: "Correct region/stage/outlet",
    outlet: "Outlet",
    outletHint: "Responsible outlet (its name or code; empty: unknown)",
    outletPlaceholder: "Outlet name or code",
    placeHint: "Region (city name or GB/T 2260 code; empty keeps it)",
    unknownPlace: "unknown",
    stages: { pickup: "Pickup", transit: "Sorting & transit", delivery: "Delivery", after_delivery: "After delivery" },
    events: "History",
    description: "Description",
    resolution: "Resolution",
    rootCause: "Root cause",
    chooseRootCause: "Choose (001 art. 5)",
    responsibleOutlet: "Responsible outlet (name or code, optional)",
    quality: "Quality",
    non_quality: "Non-quality (human)",
    pend: "Wait for customer",
    resolve: "Resolve",
    reopen: "Reopen",
    image: "Image",
    imageUnavailable: "Image unavailable",
    fullImage: "Full size",
    ocrText: "Text read",
    evidence: "Evidence photos",
    sendImage: "Send image",
    takeTicket: "Take",
    cancel: "Cancel",
    confirm: "OK",
    toAgent: "To agent (username)",
    toGroup: "or to group",
    why: "Note",
    takenBy: "Owner",
    unassigned: "Unassigned",
    failed: "Wrong username or password, or the account is locked for a while after repeated failures",
    handoff: "New handoff",
    newMessage: "New message",
    typing: "The customer is typing…",
    unreadCount: (n) => `${n} unread`,
    shortcuts: "Keyboard shortcuts",
    close: "Close",
    newTicket: "New ticket",
    slaWarn: "SLA warning",
    slaBreach: "SLA breached",
    left: "left",
    over: "over",
    met: "met",
    stopped: "resolved unanswered",
    paused: "paused",
    first_response: "First response",
    resolution_clock: "Resolution",
    regulatory: "7-day legal limit",
    appeal_report: "12305 appeal: report within 10 days",
    appeal_mediation: "12305 mediation: answer in 3 working days",
    source: { spb12305: "12305 appeal (transferred by the postal regulator)", ecommerce: "From a marketplace" },
    externalDeadline: "Their deadline",
    bot: "Bot",
    agent: "Agent",
    system: "System",
    status: { new: "New", open: "Open", pending_customer: "Pending customer", resolved: "Resolved", closed: "Closed" },
    priority: { normal: "Normal", high: "High", urgent: "Urgent" },
    mode: { queued: "Queued", agent: "With agent", bot: "Bot" },
    reason: {
      customer_request: "asked for a person",
      not_understood: "bot did not understand",
      angry: "angry customer",
      survey_dissatisfied: "survey: dissatisfied",
    },
    event: {
      created: "Ticket created",
      taken: "Taken",
      reply: "Replied to the customer",
      note: "Internal note",
      pending_customer: "Waiting for the customer",
      customer_replied: "Customer replied",
      resolved: "Resolved",
      reopened: "Reopened",
      transferred: "Transferred",
      closed: "Closed",
      completed: "Completed",
      rejected: "Rejected",
      cancelled: "Cancelled",
      converted: "Converted into a complaint",
      proposed: "Compensation proposed",
      agreed: "Customer accepted the proposal",
      proposal_declined: "Customer declined the proposal",
      first_response: "First response",
      urge: "Customer chased it",
      joined: "Repeat chase joined",
      evidence_added: "Evidence photo added",
      place_corrected: "Region/stage corrected",
      "survey.dissatisfied": "Survey: dissatisfied",
      "sla.started": "SLA clock started",
      "sla.paused": "SLA clock paused",
      "sla.resumed": "SLA clock resumed",
      "sla.warning": "SLA due soon",
      "sla.breached": "SLA breached",
      "sla.met": "SLA met",
      "sla.stopped": "SLA clock stopped",
      "sla.recalculated": "SLA recalculated for new holidays",
    },
  },
};
const T = I18N[locale];
applyI18n(T);

const $ = (id) => document.getElementById(id);
const fmtTime = (iso) =>
  iso
    ? new Date(iso).toLocaleString(locale, { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" })
    : "";
const catLabel = categoryLabel;
const api = createApi(() => showLogin());

let me = null;
const state = {
  tab: "queued",
  selected: null,
  socket: null,
  watching: null,
  tickets: [],
  /** My conversations: watched all the time, so their customers' messages mark and alert. */
  mine: new Set(),
  /** conversationId → its title, for notifications. */
  titles: new Map(),
};

function showLogin() {
  $("app-view").hidden = true;
  $("login-view").hidden = false;
  state.socket?.close();
}

$("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = Object.fromEntries(new FormData(e.target));
  try {
    await login(form.username, form.password);
  } catch {
    $("login-error").textContent = T.failed;
    $("login-error").hidden = false;
    return;
  }
  await start();
});
$("logout").addEventListener("click", async () => {
  await api("/api/auth/logout", { method: "POST" }).catch(() => {});
  session.token = null;
  location.reload();
});
$("presence").addEventListener("change", (e) =>
  api("/api/agents/me/presence", { method: "PUT", body: JSON.stringify({ presence: e.target.value }) }),
);
for (const tab of document.querySelectorAll("[data-tab]"))
  tab.addEventListener("click", () => selectTab(tab.dataset.tab));
$("search").addEventListener(
  "input",
  debounce(() => refreshList(), 250),
);
$("ticket-scope").addEventListener("change", () => refreshList());
$("suggestion-search").placeholder = S.search;
$("suggestion-search").addEventListener(
  "input",
  debounce(() => refreshList(), 250),
);
$("ticket-scope").after(typeSelect(() => refreshList()));

// Issue 18: labels an admin defined; the lists filter by one, and a conversation or ticket shows
// and edits its own (chips with ×, a "+ 标签" menu).
let allLabels;
async function loadLabels() {
  allLabels ??= await api("/api/labels")
    .then((r) => r.labels)
    .catch(() => []);
  const select = $("label-filter");
  if (select && select.options.length === 1)
    select.append(...allLabels.map((l) => h("option", { value: l.id }, l.name)));
  return allLabels;
}
const labelFilter = h(
  "select",
  { id: "label-filter", "aria-label": T.labels, onchange: () => refreshList() },
  h("option", { value: "" }, T.allLabels),
);
$("list").before(h("div", { class: "filters", id: "label-filters" }, labelFilter));

const labelChip = (l, onRemove) =>
  h(
    "span",
    { class: "label-chip", "data-label": l.name, style: `--label:${l.color}` },
    l.name,
    onRemove
      ? h(
          "button",
          { type: "button", class: "chip-x", "aria-label": `${T.removeLabel} ${l.name}`, onclick: onRemove },
          "×",
        )
      : "",
  );

/** The labels of a conversation or ticket, editable: `base` is its API path. */
function labelEditor(base, current) {
  const box = h("div", { class: "labels", id: "labels" });
  const paint = async (labels, changed = false) => {
    const all = await loadLabels();
    const have = new Set(labels.map((l) => l.id));
    const add = h(
      "select",
      {
        id: "add-label",
        "aria-label": T.addLabel,
        onchange: () =>
          add.value &&
          api(`${base}/labels/${add.value}`, { method: "PUT" })
            .then((r) => paint(r.labels, true))
            .catch((err) => toast(err.message, "breach")),
      },
      h("option", { value: "" }, T.addLabel),
      ...all.filter((l) => !have.has(l.id)).map((l) => h("option", { value: l.id }, l.name)),
    );
    box.replaceChildren(
      ...labels.map((l) =>
        labelChip(l, () =>
          api(`${base}/labels/${l.id}`, { method: "DELETE" })
            .then((r) => paint(r.labels, true))
            .catch((err) => toast(err.message, "breach")),
        ),
      ),
      all.length > have.size ? add : "",
    );
    if (changed) refreshSoon();
  };
  paint(current);
  return box;
}

function debounce(fn, ms) {
  let t;
  return (...a) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...a), ms);
  };
}

function selectTab(tab) {
  state.tab = tab;
  for (const b of document.querySelectorAll("[data-tab]"))
    b.setAttribute("aria-selected", String(b.dataset.tab === tab));
  $("ticket-filters").hidden = tab !== "tickets";
  $("suggestion-filters").hidden = tab !== "suggestions";
  refreshList();
}

async function refreshList() {
  const list = $("list");
  $("label-filters").hidden = state.tab === "suggestions";
  loadLabels();
  let items;
  if (state.tab === "suggestions") {
    items = await suggestionItems(api, $("suggestion-search").value.trim(), state.selected?.id, openSuggestion);
  } else if (state.tab === "tickets") {
    const scope = $("ticket-scope").value;
    const q = new URLSearchParams({ pageSize: "100" });
    if (scope === "open") q.set("status", "new,open,pending_customer");
    if (scope === "me") q.set("assignee", "me");
    if (scope === "none") {
      q.set("assignee", "none");
      q.set("status", "new,open,pending_customer");
    }
    if (scope === "breached") q.set("breached", "true");
    const type = $("ticket-type")?.value;
    if (type) q.set("type", type);
    const text = $("search").value.trim();
    if (text) q.set("text", text);
    if ($("label-filter").value) q.set("label", $("label-filter").value);
    const { items: tickets } = await api(`/api/tickets?${q}`);
    // Most urgent first: the soonest SLA due time, breached ones on top.
    tickets.sort(
      (a, b) => b.breached - a.breached || Date.parse(a.nextDueAt ?? "9999") - Date.parse(b.nextDueAt ?? "9999"),
    );
    state.tickets = tickets;
    items = tickets.map((t) =>
      h(
        "li",
        {
          "data-ticket": t.number,
          class: state.selected?.id === t.number ? "active" : "",
          onclick: () => openTicket(t.number),
        },
        h(
          "div",
          { class: "row1" },
          h("strong", {}, t.number),
          dueBadge(t.nextDueAt, t.breached, t.status, t.nextWarnAt),
        ),
        h(
          "div",
          { class: "row1" },
          h(
            "span",
            {},
            t.type && t.type !== "complaint" ? `${typeLabel(t.type)} · ` : "",
            catLabel(t.category),
            " · ",
            T.status[t.status] ?? t.status,
          ),
          t.priority !== "normal" ? h("span", { class: `badge ${t.priority}` }, T.priority[t.priority]) : "",
        ),
        h("div", { class: "sub" }, t.waybill ? `${t.waybill} · ` : "", t.description),
      ),
    );
  } else {
    const label = $("label-filter").value;
    const { conversations } = await api(
      `/api/conversations?filter=${state.tab}${label ? `&label=${encodeURIComponent(label)}` : ""}`,
    );
    for (const c of conversations) state.titles.set(c.id, customerTitle(c));
    items = conversations.map((c) =>
      h(
        "li",
        {
          "data-conversation": c.id,
          class: [state.selected?.id === c.id ? "active" : "", unread.get(c.id) ? "has-unread" : ""].join(" ").trim(),
          onclick: () => openConversation(c.id),
        },
        h(
          "div",
          { class: "row1" },
          h("strong", { class: "title" }, customerTitle(c)),
          unread.get(c.id)
            ? h("span", { class: "unread", "aria-label": T.unreadCount(unread.get(c.id)) }, String(unread.get(c.id)))
            : "",
          h("span", { class: "badge", "data-channel": c.channel }, channelLabel(c.channel)),
        ),
        h(
          "div",
          { class: "row1" },
          h("span", { class: "sub" }, T.reason[c.handoffReason] ?? c.handoffReason ?? ""),
          c.queuedAt ? waitingBadge(c.queuedAt) : h("span", { class: "badge" }, T.mode[c.mode] ?? c.mode),
        ),
        h("div", { class: "sub" }, c.lastMessage ?? ""),
        c.labels?.length
          ? h(
              "div",
              { class: "labels" },
              c.labels.map((l) => labelChip(l)),
            )
          : "",
      ),
    );
    if (state.tab === "queued") setCount("queued", conversations.length);
  }
  list.replaceChildren(...(items.length ? items : [h("li", { class: "sub" }, T.empty)]));
}

function openSuggestion(s) {
  state.selected = { kind: "suggestion", id: s.id };
  $("detail").replaceChildren(
    ...suggestionDetail(api, s, (updated) => {
      openSuggestion(updated);
      refreshList();
    }),
  );
  $("context").replaceChildren();
  for (const li of document.querySelectorAll("#list li[data-suggestion]"))
    li.classList.toggle("active", li.dataset.suggestion === s.id);
}

function setCount(tab, n) {
  const b = document.querySelector(`[data-tab="${tab}"]`);
  b.querySelector(".count")?.remove();
  if (n) b.append(h("span", { class: "count" }, n));
}

function ago(iso) {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`;
}

function remaining(ms) {
  const abs = Math.abs(ms);
  const hours = Math.floor(abs / 3_600_000);
  const mins = Math.floor((abs % 3_600_000) / 60_000);
  const secs = Math.floor((abs % 60_000) / 1000);
  return hours ? `${hours}h${String(mins).padStart(2, "0")}m` : `${mins}m${String(secs).padStart(2, "0")}s`;
}

/**
 * Countdown badge, the same rule in the list and the detail: amber from the clock's own warning
 * time (the server's warnAt: the policy's ratio on the clock's calendar), red once breached.
 */
function dueBadge(dueAt, breached, status, warnAt, redWarn = false) {
  if (!dueAt || status === "resolved" || status === "closed")
    return h("span", { class: "badge" }, T.status[status] ?? "");
  const el = h("span", {
    class: "badge countdown",
    "data-due": dueAt,
    "data-breached": breached ? "1" : "",
    "data-warn": warnAt ?? "",
    "data-red-warn": redWarn ? "1" : "",
  });
  paintCountdown(el);
  return el;
}
function paintCountdown(el) {
  const now = Date.now();
  const left = Date.parse(el.dataset.due) - now;
  const breached = el.dataset.breached === "1" || left < 0;
  const warn = !breached && el.dataset.warn !== "" && Date.parse(el.dataset.warn) <= now;
  el.className = `badge countdown ${breached || (warn && el.dataset.redWarn === "1") ? "breach" : warn ? "warn" : "ok"}`;
  el.textContent = breached ? `${T.over} ${remaining(left)}` : `${T.left} ${remaining(left)}`;
}
/** How long a conversation has waited in the queue; repainted every second like the countdowns. */
function waitingBadge(since) {
  const el = h("span", { class: "badge warn waiting", "data-since": since });
  paintWaiting(el);
  return el;
}
function paintWaiting(el) {
  el.textContent = `${T.waiting} ${ago(el.dataset.since)}`;
}
setInterval(() => {
  document.querySelectorAll(".countdown").forEach(paintCountdown);
  document.querySelectorAll(".waiting").forEach(paintWaiting);
}, 1000);

function watch(conversationId) {
  if (state.watching && state.watching !== conversationId && !state.mine.has(state.watching))
    state.socket?.send(JSON.stringify({ type: "unwatch", conversationId: state.watching }));
  state.watching = conversationId;
  if (conversationId && state.socket?.readyState === 1)
    state.socket.send(JSON.stringify({ type: "watch", conversationId }));
}

function messageItem(m) {
  const cls = m.internal ? "internal" : m.direction === "in" ? "in" : m.author === "bot" ? "out bot" : "out";
  const who = m.internal ? `${T.note}` : m.direction === "in" ? T.customer : (T[m.author] ?? m.author);
  return h(
    "li",
    { class: `msg ${cls}`, "data-id": m.id },
    h("span", { class: "who" }, `${who} · ${fmtTime(m.createdAt)}`),
    m.attachments?.length ? imageStrip(m.attachments) : m.mentions?.length ? withMentions(m.text, m.mentions) : m.text,
  );
}

/** Issue 18: a note's @mentions (as the server recognised them) stand out from the text. */
function withMentions(text, mentions) {
  const words = mentions
    .flatMap((m) => [`@${m.displayName}`, `@${m.username}`])
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return h(
    "span",
    {},
    text
      .split(new RegExp(`(${words.join("|")})`, "i"))
      .map((part, i) => (i % 2 ? h("mark", { class: "mention" }, part) : part)),
  );
}

/** Issue 18: a colleague @mentioned me in a note: a notice that stays until opened or dismissed. */
function mentionNotice(event) {
  let box = document.getElementById("toasts");
  if (!box) {
    box = h("div", { id: "toasts", class: "toasts", "aria-live": "assertive" });
    document.body.append(box);
  }
  const el = h(
    "div",
    { class: "toast mention", role: "status", "data-conversation": event.conversationId },
    h("strong", {}, `${event.from?.displayName ?? ""} ${T.mentionedYou}`),
    h("div", { class: "sub" }, (event.text ?? "").slice(0, 120)),
    h(
      "a",
      {
        href: `#conversation/${event.conversationId}`,
        class: "open-mention",
        onclick: (e) => {
          e.preventDefault();
          el.remove();
          openConversation(event.conversationId);
        },
      },
      T.openConversation,
    ),
    " ",
    h("button", { class: "secondary", type: "button", onclick: () => el.remove() }, T.dismiss),
  );
  box.append(el);
}

// Issue 17: customers' images. The bytes need the staff token, so they are fetched and shown
// through blob: URLs; the OCR text (state.ocr, filled per conversation or ticket) is beside them.
async function imageUrl(id, variant) {
  const res = await fetch(`/api/attachments/${id}?variant=${variant}`, {
    headers: { authorization: `Bearer ${session.token}` },
  });
  if (!res.ok) throw new Error(String(res.status));
  return URL.createObjectURL(await res.blob());
}

function imageStrip(list) {
  return h(
    "div",
    { class: "attachments" },
    list.map((a) => {
      const img = h("img", { class: "thumb", alt: T.image, "data-attachment": a.id, width: "160" });
      imageUrl(a.id, "thumb")
        .then((url) => {
          img.src = url;
        })
        .catch(() => img.replaceWith(T.imageUnavailable));
      const ocr = state.ocr?.get(a.id);
      return h(
        "figure",
        { class: "attachment" },
        h(
          "a",
          {
            href: "#",
            title: T.fullImage,
            onclick: (e) => {
              e.preventDefault();
              imageUrl(a.id, "full")
                .then((url) => window.open(url, "_blank", "noopener"))
                .catch(() => toast(T.imageUnavailable, "error"));
            },
          },
          img,
        ),
        h("figcaption", {}, ocr ? `${T.ocrText}: ${ocr}` : ""),
      );
    }),
  );
}

async function loadOcr(query) {
  const res = await api(`/api/attachments?${query}`).catch(() => null);
  state.ocr = new Map((res?.attachments ?? []).map((a) => [a.id, a.ocrText ?? ""]));
  return res?.attachments ?? [];
}

/**
 * Issue 18: tells the customer's chat that I have seen their messages up to `seq` (已读) — only
 * for a chat I hold, open on my screen while the page is visible.
 */
function sendRead(conversationId, seq) {
  if (!seq || document.hidden || state.socket?.readyState !== 1) return;
  if (state.selected?.kind !== "conversation" || state.selected.id !== conversationId) return;
  if (!state.mine.has(conversationId)) return;
  state.socket.send(JSON.stringify({ type: "read", conversationId, seq: String(seq) }));
}
let lastInbound = null; // { conversationId, seq } of the open conversation
document.addEventListener("visibilitychange", () => {
  if (lastInbound) sendRead(lastInbound.conversationId, lastInbound.seq);
});

async function openConversation(id, keepTicket) {
  const c = await api(`/api/conversations/${id}`);
  if (!keepTicket && c.messages.some((m) => m.attachments?.length)) await loadOcr(`conversationId=${id}`);
  if (!keepTicket) {
    state.selected = { kind: "conversation", id };
    clearUnread(id);
    const li = document.querySelector(`#list li[data-conversation="${id}"]`);
    li?.classList.remove("has-unread");
    li?.querySelector(".unread")?.remove();
  }
  markActive();
  watch(id);
  const mine = c.mode === "agent" && c.agent?.id === me.id;
  if (!keepTicket) {
    const seq = c.messages.filter((m) => m.direction === "in" && m.seq).at(-1)?.seq;
    lastInbound = seq ? { conversationId: id, seq } : null;
    if (mine && seq) {
      state.mine.add(id);
      sendRead(id, seq);
    }
  }
  const head = keepTicket
    ? null
    : h(
        "div",
        { class: "detail-head" },
        h("h2", {}, customerTitle(c)),
        h("span", { class: "badge", "data-channel": c.channel }, channelLabel(c.channel)),
        h("span", { class: "badge" }, T.mode[c.mode] ?? c.mode),
        c.agent ? h("span", {}, `${T.takenBy}: ${c.agent.displayName}`) : "",
      );
  const actions = keepTicket
    ? null
    : h(
        "div",
        { class: "actions" },
        !mine
          ? h(
              "button",
              {
                id: "take",
                onclick: () =>
                  act(
                    () => api(`/api/conversations/${id}/take`, { method: "POST" }),
                    () => openConversation(id),
                  ),
              },
              T.take,
            )
          : "",
        mine || me.role !== "agent"
          ? h(
              "button",
              {
                class: "secondary",
                onclick: () =>
                  act(
                    () => api(`/api/conversations/${id}/release`, { method: "POST" }),
                    () => openConversation(id),
                  ),
              },
              T.release,
            )
          : "",
        mine || me.role !== "agent"
          ? h("button", { class: "secondary", onclick: () => transferConversation(id) }, T.transfer)
          : "",
        // A complaint the bot did not register (the customer asked for a person halfway): the
        // agent registers it here, linked to this chat, so it gets its clocks and is counted.
        mine && !OPEN_TICKET.includes(c.context?.ticket?.status)
          ? h("button", { class: "secondary", id: "open-complaint", onclick: () => openComplaint(c) }, T.openComplaint)
          : "",
      );
  const messages = h("ol", { class: "messages", id: "messages" }, c.messages.map(messageItem));
  const composer = buildComposer({
    canReply: mine,
    onReply: (text, cannedReplyId) =>
      api(`/api/conversations/${id}/reply`, { method: "POST", body: JSON.stringify({ text, cannedReplyId }) }),
    onNote: (text) => api(`/api/conversations/${id}/note`, { method: "POST", body: JSON.stringify({ text }) }),
    mentionable: true,
    onImage: c.sendsImages ? (picked) => sendImage(id, picked) : undefined,
    vars: { customerName: c.customer.name ?? "", waybill: c.context?.waybill ?? "" },
    onTyping: () =>
      state.socket?.readyState === 1 && state.socket.send(JSON.stringify({ type: "typing", conversationId: id })),
  });
  if (keepTicket) return { messages, composer, context: c };
  const typing = h("p", { id: "typing", class: "typing", "aria-live": "polite", hidden: true });
  const labels = labelEditor(`/api/conversations/${id}`, c.labels ?? []);
  $("detail").replaceChildren(...[head, labels, actions, messages, typing, composer].filter(Boolean));
  messages.scrollTop = messages.scrollHeight;
  renderContext(c);
}

function buildComposer({ canReply, onReply, onNote, vars, onImage, onTyping, mentionable }) {
  const textarea = h("textarea", {
    id: "composer-text",
    placeholder: `${canReply ? T.reply : T.note}${T.enterToSend}`,
    maxlength: "2000",
  });
  const mode = h(
    "select",
    { id: "composer-mode" },
    canReply ? h("option", { value: "reply" }, T.reply) : "",
    h("option", { value: "note" }, T.note),
  );
  const canned = h("select", { id: "canned" }, h("option", { value: "" }, T.canned));
  const templates = new Map();
  const names = new Map();
  // The reply says which canned reply it came from, for the audit log.
  let cannedReplyId;
  api("/api/canned-replies")
    .then(({ cannedReplies }) => {
      for (const r of cannedReplies) {
        templates.set(r.id, r.text);
        names.set(r.id, r.title);
        canned.append(h("option", { value: r.id }, r.title));
      }
    })
    .catch(() => {});
  canned.addEventListener("change", () => {
    const template = templates.get(canned.value);
    if (template !== undefined) {
      textarea.value = template.replace(/\{(\w+)\}/g, (m, k) => vars[k] ?? m);
      cannedReplyId = canned.value;
    }
    canned.value = "";
    textarea.focus();
  });
  let typingSent = 0;
  textarea.addEventListener("input", () => {
    if (!textarea.value.trim()) cannedReplyId = undefined;
    showPicker();
    showMentions();
    // Issue 18: the customer sees "对方正在输入…" while I write a reply (not a note, not "/…").
    if (
      onTyping &&
      mode.value === "reply" &&
      textarea.value.trim() &&
      !textarea.value.startsWith("/") &&
      Date.now() - typingSent >= 1500
    ) {
      typingSent = Date.now();
      onTyping();
    }
  });
  // Issue 18: "/" at the start of the box lists the canned replies, filtered by what follows;
  // ↑/↓ choose, Enter or Tab fills the box, Esc closes.
  const picker = h("ul", { id: "canned-picker", class: "canned-picker", role: "listbox", hidden: true });
  let picks = [];
  let pickAt = 0;
  function usePick(id) {
    textarea.value = templates.get(id).replace(/\{(\w+)\}/g, (m, k) => vars[k] ?? m);
    cannedReplyId = id;
    picker.hidden = true;
    textarea.focus();
  }
  function paintPicker() {
    picker.replaceChildren(
      ...(picks.length
        ? picks.map((id, i) =>
            h(
              "li",
              {
                role: "option",
                "data-id": id,
                "aria-selected": String(i === pickAt),
                onmousedown: (e) => {
                  e.preventDefault();
                  usePick(id);
                },
              },
              h("strong", {}, names.get(id)),
              " ",
              h("span", { class: "sub" }, templates.get(id)),
            ),
          )
        : [h("li", { class: "sub" }, T.empty)]),
    );
  }
  function showPicker() {
    const v = textarea.value;
    if (!v.startsWith("/") || v.includes("\n")) {
      picker.hidden = true;
      return;
    }
    const q = v.slice(1).trim().toLowerCase();
    picks = [...templates.keys()]
      .filter((id) => !q || names.get(id).toLowerCase().includes(q) || templates.get(id).toLowerCase().includes(q))
      .slice(0, 8);
    pickAt = 0;
    paintPicker();
    picker.hidden = false;
  }
  // Issue 18: "@" in a note lists colleagues (display name or username), ↑/↓ choose, Enter or
  // Tab puts "@显示名 " in, Esc closes. The server decides who is mentioned (active staff only).
  const mentionPicker = h("ul", {
    id: "mention-picker",
    class: "canned-picker",
    role: "listbox",
    hidden: true,
  });
  let colleagues;
  let mentionPicks = [];
  let mentionAt = 0;
  let mentionStart = -1;
  function useMention(c) {
    const caret = textarea.selectionStart;
    const before = textarea.value.slice(0, mentionStart);
    const after = textarea.value.slice(caret);
    textarea.value = `${before}@${c.displayName} ${after}`;
    const at = before.length + c.displayName.length + 2;
    textarea.setSelectionRange(at, at);
    mentionPicker.hidden = true;
    textarea.focus();
  }
  function paintMentions() {
    mentionPicker.replaceChildren(
      ...(mentionPicks.length
        ? mentionPicks.map((c, i) =>
            h(
              "li",
              {
                role: "option",
                "data-username": c.username,
                "aria-selected": String(i === mentionAt),
                onmousedown: (e) => {
                  e.preventDefault();
                  useMention(c);
                },
              },
              h("strong", {}, c.displayName),
              " ",
              h("span", { class: "sub" }, `@${c.username}`),
            ),
          )
        : [h("li", { class: "sub" }, T.noColleague)]),
    );
  }
  async function showMentions() {
    const m = /(^|[^A-Za-z0-9_.])@([^\s@]{0,20})$/.exec(textarea.value.slice(0, textarea.selectionStart));
    if (!mentionable || mode.value !== "note" || !m) {
      mentionPicker.hidden = true;
      return;
    }
    colleagues ??= await api("/api/agents")
      .then((r) => r.agents.filter((c) => c.id !== me?.id))
      .catch(() => []);
    mentionStart = textarea.selectionStart - m[2].length - 1;
    const q = m[2].toLowerCase();
    mentionPicks = colleagues
      .filter((c) => !q || c.displayName.toLowerCase().includes(q) || c.username.toLowerCase().includes(q))
      .slice(0, 8);
    mentionAt = 0;
    paintMentions();
    mentionPicker.hidden = false;
  }
  textarea.addEventListener("keydown", (e) => {
    if (mentionPicker.hidden) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      mentionAt =
        (mentionAt + (e.key === "ArrowDown" ? 1 : -1) + mentionPicks.length) % Math.max(1, mentionPicks.length);
      paintMentions();
    } else if ((e.key === "Enter" && !e.ctrlKey && !e.metaKey) || e.key === "Tab") {
      if (!mentionPicks.length) return;
      e.preventDefault();
      e.stopImmediatePropagation();
      useMention(mentionPicks[mentionAt]);
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopImmediatePropagation();
      mentionPicker.hidden = true;
    }
  });
  mode.addEventListener("change", () => showMentions());
  textarea.addEventListener("keydown", (e) => {
    if (picker.hidden) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      pickAt = (pickAt + (e.key === "ArrowDown" ? 1 : -1) + picks.length) % Math.max(1, picks.length);
      paintPicker();
    } else if ((e.key === "Enter" && !e.ctrlKey && !e.metaKey) || e.key === "Tab") {
      if (!picks.length) return;
      e.preventDefault();
      usePick(picks[pickAt]);
    } else if (e.key === "Escape") {
      e.preventDefault();
      picker.hidden = true;
    }
  });
  const send = h(
    "button",
    {
      id: "send",
      onclick: async () => {
        const text = textarea.value.trim();
        if (!text) return;
        send.disabled = true;
        try {
          const msg = await (mode.value === "reply" ? onReply(text, cannedReplyId) : onNote(text));
          textarea.value = "";
          cannedReplyId = undefined;
          typingSent = 0;
          mentionPicker.hidden = true;
          appendMessage({ ...msg, internal: mode.value === "note", direction: "out" });
        } catch (err) {
          toast(err.code === "MENTION_NOT_VISIBLE" ? T.mentionNotVisible : err.message, "breach");
        } finally {
          send.disabled = false;
        }
      },
    },
    T.send,
  );
  // Enter sends, as in WeChat and every chat tool agents know; Shift+Enter is a new line. Not
  // while an input method is composing (Enter there picks the pinyin candidate), nor when a
  // picker above used the key.
  textarea.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" || e.isComposing || e.keyCode === 229 || e.defaultPrevented) return;
    if (e.shiftKey || e.altKey) return;
    e.preventDefault();
    send.click();
  });
  // Issue 17: an image to the customer, where the channel can show one (the server says: sendsImages).
  const file = h("input", {
    type: "file",
    accept: "image/jpeg,image/png,image/webp",
    hidden: true,
    id: "composer-image",
  });
  file.addEventListener("change", async () => {
    const picked = file.files?.[0];
    file.value = "";
    if (!picked) return;
    try {
      appendMessage({
        ...(await onImage(picked)),
        author: "agent",
        direction: "out",
        createdAt: new Date().toISOString(),
      });
    } catch (err) {
      toast(err.message, "breach");
    }
  });
  const imageButton =
    canReply && onImage
      ? h("button", { class: "secondary", type: "button", onclick: () => file.click() }, T.sendImage)
      : "";
  return h(
    "div",
    { class: "composer" },
    picker,
    mentionPicker,
    textarea,
    h("div", { class: "row" }, mode, canned, imageButton, file, h("span", { class: "spacer" }), send),
  );
}

/** Uploads an agent's image into a conversation (multipart; the staff token). */
async function sendImage(conversationId, picked) {
  const form = new FormData();
  form.append("file", picked, picked.name || "image");
  const res = await fetch(`/api/conversations/${conversationId}/attachments`, {
    method: "POST",
    headers: { authorization: `Bearer ${session.token}` },
    body: form,
  });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(body?.error?.message ?? res.statusText);
  return body;
}

function appendMessage(m) {
  const list = $("messages");
  if (!list || list.querySelector(`[data-id="${m.id}"]`)) return;
  list.append(messageItem(m));
  list.scrollTop = list.scrollHeight;
}

function renderContext(c) {
  const ctx = c.context ?? {};
  const parts = [
    h("h3", {}, T.customer),
    h(
      "dl",
      {},
      h("dt", {}, T.channel),
      h("dd", { "data-channel": c.channel }, channelLabel(c.channel)),
      // The bot answers in the customer's language; the agent should too.
      h("dt", {}, T.language),
      h("dd", { id: "context-language", "data-locale": c.locale }, T[`language.${c.locale}`] ?? c.locale ?? "—"),
      h("dt", {}, T.phone),
      h("dd", {}, c.customer.phone ?? "—"),
      h("dt", {}, T.intent),
      h("dd", { id: "context-intent", "data-intent": c.lastIntent ?? "" }, intentLabel(c.lastIntent) || "—"),
      h("dt", {}, T.category),
      // The linked ticket's category, not the bot's guess on the last message.
      h("dd", { id: "context-category" }, catLabel(ctx.ticket?.category ?? c.lastCategory) || "—"),
      h("dt", {}, T.waybill),
      h("dd", { id: "context-waybill" }, ctx.waybill ?? "—"),
      h("dt", {}, T.ticket),
      h(
        "dd",
        {},
        ctx.ticket
          ? h(
              "button",
              { class: "link", id: "context-ticket", onclick: () => openTicket(ctx.ticket.number) },
              ctx.ticket.number,
            )
          : "—",
      ),
    ),
  ];
  const shipment = ctx.shipment;
  if (shipment) {
    parts.push(
      h("h3", {}, T.tracking),
      h(
        "ol",
        { class: "events" },
        (shipment.events ?? [])
          .slice(-6)
          .reverse()
          .map((e) => h("li", {}, `${fmtTime(e.time)} ${e.location ?? ""} ${e.description}`)),
      ),
    );
  }
  const tickets = ctx.tickets ?? [];
  parts.push(
    h("h3", {}, T.tickets),
    tickets.length
      ? h(
          "ul",
          { class: "events" },
          tickets.map((t) =>
            h(
              "li",
              {},
              h("button", { class: "link", onclick: () => openTicket(t.number) }, t.number),
              ` ${catLabel(t.category)} · ${T.status[t.status] ?? t.status}`,
            ),
          ),
        )
      : h("p", { class: "sub" }, T.empty),
  );
  $("context").replaceChildren(...parts);
}

async function openTicket(number) {
  const t = await api(`/api/tickets/${encodeURIComponent(number)}`);
  state.selected = { kind: "ticket", id: number };
  markActive();
  const mine = t.assignee?.id === me.id;
  const post = (action, body) =>
    act(
      () =>
        api(`/api/tickets/${encodeURIComponent(number)}/${action}`, {
          method: "POST",
          body: JSON.stringify(body ?? {}),
        }),
      () => openTicket(number),
    );
  const head = h(
    "div",
    { class: "detail-head" },
    h("h2", {}, t.number),
    h("span", { class: "badge", id: "ticket-type-badge" }, typeLabel(t.type ?? "complaint")),
    h("span", { class: "badge" }, catLabel(t.category)),
    h("span", { class: `badge ${t.priority}` }, T.priority[t.priority] ?? t.priority),
    h("span", { class: "badge" }, T.status[t.status] ?? t.status),
    // Issue 23: where and at which stage the problem lies, as of the ticket's opening.
    h(
      "span",
      { class: "badge", id: "ticket-region", title: t.region?.cityCode ?? t.region?.provinceCode ?? "" },
      `${T.region}: ${
        t.region
          ? t.region.city && t.region.city !== t.region.province
            ? `${t.region.province}${t.region.city}`
            : t.region.province
          : T.unknownPlace
      }`,
    ),
    h(
      "span",
      { class: "badge", id: "ticket-stage" },
      `${T.stage}: ${t.stage ? (T.stages[t.stage] ?? t.stage) : T.unknownPlace}`,
    ),
    // Issue 21: a complaint another system handed over — who, their reference and deadline.
    t.external
      ? h(
          "span",
          { class: `badge ${t.external.source === "spb12305" ? "breach" : ""}`, id: "ticket-external" },
          [
            T.source[t.external.source] ?? t.external.source,
            t.external.externalRef ?? t.external.externalId,
            t.external.deadline ? `${T.externalDeadline} ${new Date(t.external.deadline).toLocaleString()}` : "",
          ]
            .filter(Boolean)
            .join(" · "),
        )
      : "",
    h(
      "span",
      { class: "badge", id: "ticket-outlet", "data-outlet": t.outlet?.code ?? "" },
      `${T.outlet}: ${t.outlet ? `${t.outlet.name}（${t.outlet.code}）` : T.unknownPlace}`,
    ),
    // Issue 23 (001 第五条): the root cause the agent set at resolution.
    t.rootCause
      ? h(
          "span",
          { class: "badge", id: "ticket-root-cause", "data-root-cause": t.rootCause },
          `${T.rootCause}: ${T[t.rootCause] ?? t.rootCause}`,
        )
      : "",
    h("span", {}, `${T.takenBy}: ${t.assignee?.displayName ?? T.unassigned}`),
    h(
      "div",
      { class: "clocks", id: "clocks" },
      t.slaClocks.map((k) =>
        h(
          "span",
          { title: k.policy },
          `${T[k.kind === "resolution" ? "resolution_clock" : k.kind] ?? R[k.kind] ?? k.kind} `,
          k.state === "met"
            ? h("span", { class: "badge ok" }, T.met)
            : k.state === "paused"
              ? h("span", { class: "badge" }, T.paused)
              : k.state === "stopped"
                ? h("span", { class: "badge" }, T.stopped)
                : dueBadge(
                    k.dueAt,
                    k.state === "breached",
                    t.status,
                    k.warnedAt ?? k.warnAt,
                    // The regulator's clocks show red from their warning on (issue 21).
                    k.kind.startsWith("appeal_"),
                  ),
          // Issue 19: the due time was counted Monday–Friday on a year without holiday data.
          k.calendarFallback ? h("small", { class: "calendar-fallback", "data-fallback": "" }, T.calendarFallback) : "",
        ),
      ),
    ),
  );
  const open = ["new", "open", "pending_customer"].includes(t.status);
  const actions = h(
    "div",
    { class: "actions" },
    open && !mine ? h("button", { id: "ticket-take", onclick: () => post("take") }, T.takeTicket) : "",
    open && t.status !== "pending_customer"
      ? h("button", { class: "secondary", onclick: () => post("pend") }, T.pend)
      : "",
    ...requestActions(t, post, dialog),
    open && (t.type ?? "complaint") === "complaint"
      ? h("button", { id: "ticket-resolve", onclick: () => resolveTicket(number, t.outlet?.code ?? "") }, T.resolve)
      : "",
    open ? h("button", { class: "secondary", onclick: () => transferTicket(number) }, T.transfer) : "",
    // Issue 23: the agent confirms or corrects where and at which stage the problem lies.
    h(
      "button",
      { class: "secondary", id: "ticket-place", onclick: () => correctPlace(number, t.stage, t.outlet?.code ?? "") },
      T.correctPlace,
    ),
    t.status === "resolved" || t.status === "closed"
      ? h("button", { class: "secondary", onclick: () => post("reopen") }, T.reopen)
      : "",
  );
  const info = h(
    "div",
    { class: "actions" },
    h("div", {}, h("strong", {}, `${T.description}: `), t.description),
    t.resolution ? h("div", {}, h("strong", {}, `${T.resolution}: `), t.resolution) : "",
    requestInfo(t),
  );
  let messages = h("ol", { class: "messages", id: "messages" });
  const composer = buildComposer({
    canReply: open && Boolean(t.conversationId),
    onReply: async (text, cannedReplyId) => {
      const res = await api(`/api/tickets/${encodeURIComponent(number)}/reply`, {
        method: "POST",
        body: JSON.stringify({ text, cannedReplyId }),
      });
      setTimeout(() => openTicket(number), 300);
      return {
        id: `pending-${Date.now()}`,
        text,
        author: "agent",
        createdAt: new Date().toISOString(),
        ...res?.lastMessage,
      };
    },
    onNote: async (text) => {
      await api(`/api/tickets/${encodeURIComponent(number)}/note`, { method: "POST", body: JSON.stringify({ text }) });
      setTimeout(() => openTicket(number), 300);
      return { id: `note-${Date.now()}`, text, author: "agent", createdAt: new Date().toISOString() };
    },
    vars: { customerName: t.customer?.name ?? "", waybill: t.waybill ?? "" },
  });
  let ctx = {
    context: {},
    customer: t.customer,
    channel: t.channel,
    lastIntent: "complaint",
    lastCategory: t.category,
  };
  // Issue 17: the ticket's evidence photos (and their OCR text, shown in the conversation too).
  const evidence = await loadOcr(`ticket=${encodeURIComponent(number)}`);
  if (evidence.length)
    info.append(h("div", { class: "evidence" }, h("strong", {}, `${T.evidence}: `), imageStrip(evidence)));
  if (t.conversationId) {
    const conv = await openConversation(t.conversationId, true).catch(() => null);
    if (conv) {
      messages = conv.messages;
      ctx = conv.context;
    }
  }
  const events = h(
    "ol",
    { class: "events", style: "padding:8px 16px;background:#fff" },
    t.events.map((e) => h("li", { "data-type": e.type }, `${fmtTime(e.at)} ${T.event[e.type] ?? e.type}`)),
  );
  const labels = h("div", { class: "labels", id: "labels" });
  api(`/api/tickets/${encodeURIComponent(number)}/labels`)
    .then((r) => labels.replaceWith(labelEditor(`/api/tickets/${encodeURIComponent(number)}`, r.labels)))
    .catch(() => {});
  $("detail").replaceChildren(head, labels, actions, info, messages, composer, events);
  messages.scrollTop = messages.scrollHeight;
  renderContext({
    ...ctx,
    context: {
      ...(ctx.context ?? {}),
      waybill: t.waybill ?? ctx.context?.waybill,
      // In a ticket's view, THE ticket is the one shown; the others stay under earlier tickets.
      ticket: { number: t.number, category: t.category, status: t.status },
      tickets: [ctx.context?.ticket, ...(ctx.context?.tickets ?? [])].filter((o) => o && o.number !== t.number),
    },
  });
}

async function act(fn, then) {
  try {
    await fn();
    await then?.();
    await refreshList();
  } catch (err) {
    toast(err.message, "breach");
  }
}

function dialog(title, fields, onOk) {
  const inputs = fields.map((f) => {
    const input = f.options
      ? h(
          "select",
          { name: f.name, required: f.required },
          f.options.map(([v, l]) => h("option", { value: v, selected: f.value !== undefined && v === f.value }, l)),
        )
      : f.multiline
        ? h("textarea", { name: f.name, required: f.required }, f.value ?? "")
        : h("input", { name: f.name, required: f.required, value: f.value, placeholder: f.placeholder });
    return h("label", {}, h("span", {}, f.label), input);
  });
  const dlg = h(
    "dialog",
    {},
    h(
      "form",
      { method: "dialog" },
      h("h3", {}, title),
      inputs,
      h(
        "div",
        { class: "row" },
        h("button", { value: "cancel", class: "secondary", formnovalidate: true }, T.cancel),
        h("button", { value: "ok", id: "dialog-ok" }, T.confirm),
      ),
    ),
  );
  document.body.append(dlg);
  dlg.addEventListener("close", async () => {
    if (dlg.returnValue === "ok") await onOk(Object.fromEntries(new FormData(dlg.querySelector("form"))));
    dlg.remove();
  });
  dlg.showModal();
}

const OPEN_TICKET = ["new", "open", "pending_customer"];

function openComplaint(c) {
  const firstWords = c.messages.find((m) => m.direction === "in" && !m.internal)?.text ?? "";
  dialog(
    T.openComplaint,
    [
      {
        name: "category",
        label: T.complaintCategory,
        options: Object.keys(CATEGORY_LABELS[locale]).map((code) => [code, catLabel(code)]),
        value: c.lastCategory ?? "DELAY",
        required: true,
      },
      { name: "description", label: T.complaintDescription, multiline: true, required: true, value: firstWords },
      { name: "waybill", label: T.complaintWaybill, value: c.context?.waybill ?? "" },
      { name: "contactPhone", label: T.complaintPhone, value: "" },
    ],
    (v) =>
      act(
        async () => {
          const body = { category: v.category, description: v.description.trim(), conversationId: c.id };
          if (v.waybill.trim()) body.waybill = v.waybill.trim();
          if (v.contactPhone.trim()) body.contactPhone = v.contactPhone.trim();
          const t = await api("/api/tickets", { method: "POST", body: JSON.stringify(body) });
          toast(T.complaintOpened(t.number));
        },
        () => openConversation(c.id),
      ),
  );
}

function resolveTicket(number, outlet) {
  dialog(
    T.resolve,
    [
      { name: "resolution", label: T.resolution, multiline: true, required: true },
      {
        name: "rootCause",
        label: T.rootCause,
        options: [
          ["", T.chooseRootCause],
          ["non_quality", T.non_quality],
          ["quality", T.quality],
        ],
        // 001 第五条: the agent decides, nothing is preselected.
        required: true,
      },
      { name: "outlet", label: T.responsibleOutlet, value: outlet, placeholder: T.outletPlaceholder },
    ],
    (v) => {
      const body = {
        resolution: v.resolution,
        rootCause: v.rootCause,
        ...(v.outlet.trim() !== outlet ? { outlet: v.outlet.trim() || null } : {}),
      };
      return act(
        () => api(`/api/tickets/${encodeURIComponent(number)}/resolve`, { method: "POST", body: JSON.stringify(body) }),
        () => openTicket(number),
      );
    },
  );
}

function correctPlace(number, current, outlet) {
  const stages = [...Object.entries(T.stages), ["", T.unknownPlace]];
  const ordered = [...stages.filter(([v]) => v === (current ?? "")), ...stages.filter(([v]) => v !== (current ?? ""))];
  dialog(
    T.correctPlace,
    [
      { name: "place", label: T.placeHint },
      { name: "stage", label: T.stage, options: ordered },
      { name: "outlet", label: T.outletHint, value: outlet, placeholder: T.outletPlaceholder },
    ],
    (v) => {
      const body = {
        stage: v.stage || null,
        ...(v.place ? { place: v.place } : {}),
        ...(v.outlet.trim() !== outlet ? { outlet: v.outlet.trim() || null } : {}),
      };
      return act(
        () => api(`/api/tickets/${encodeURIComponent(number)}/place`, { method: "PUT", body: JSON.stringify(body) }),
        () => openTicket(number),
      );
    },
  );
}

function transferTicket(number) {
  dialog(
    T.transfer,
    [
      { name: "agent", label: T.toAgent },
      { name: "group", label: T.toGroup },
      { name: "note", label: T.why, multiline: true, required: true },
    ],
    (v) => {
      const body = { note: v.note, ...(v.agent ? { agent: v.agent } : {}), ...(v.group ? { group: v.group } : {}) };
      return act(
        () =>
          api(`/api/tickets/${encodeURIComponent(number)}/transfer`, { method: "POST", body: JSON.stringify(body) }),
        () => openTicket(number),
      );
    },
  );
}

function transferConversation(id) {
  dialog(
    T.transfer,
    [
      { name: "agent", label: T.toAgent, required: true },
      { name: "note", label: T.why, multiline: true, required: true },
    ],
    (v) =>
      act(
        () => api(`/api/conversations/${id}/transfer`, { method: "POST", body: JSON.stringify(v) }),
        () => openConversation(id),
      ),
  );
}

function markActive() {
  for (const li of document.querySelectorAll(".list li")) {
    li.classList.toggle(
      "active",
      li.dataset.ticket === state.selected?.id || li.dataset.conversation === state.selected?.id,
    );
  }
}

// Issue 18: "对方正在输入…" under the open conversation while its customer types (signalled at most
// every 2 s); gone when their message arrives, or 5 s after the last signal.
let typingTimer;
function showTyping(on) {
  clearTimeout(typingTimer);
  const el = $("typing");
  if (!el) return;
  el.textContent = on ? T.typing : "";
  el.hidden = !on;
  if (on) typingTimer = setTimeout(() => showTyping(false), 5000);
}

/** Watches every conversation I hold (the server checks each), so their messages reach me. */
async function syncMine() {
  const { conversations } = await api("/api/conversations?filter=mine").catch(() => ({ conversations: [] }));
  const ids = new Set(conversations.map((c) => c.id));
  for (const c of conversations) state.titles.set(c.id, customerTitle(c));
  for (const id of state.mine)
    if (!ids.has(id) && id !== state.watching)
      state.socket?.send(JSON.stringify({ type: "unwatch", conversationId: id }));
  state.mine = ids;
  if (state.socket?.readyState === 1)
    for (const id of ids) state.socket.send(JSON.stringify({ type: "watch", conversationId: id }));
}

/** The next or previous item of the list (j/k), opened. */
function moveInList(step) {
  const items = [...document.querySelectorAll("#list li[data-conversation], #list li[data-ticket]")];
  if (!items.length) return;
  const at = items.findIndex((li) => li.classList.contains("active"));
  const next = items[at < 0 ? (step > 0 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, at + step))];
  next.click();
  next.scrollIntoView({ block: "nearest" });
}

function showShortcuts() {
  const dlg = h(
    "dialog",
    { id: "shortcuts" },
    h("h3", {}, T.shortcuts),
    h(
      "dl",
      {},
      SHORTCUTS[locale].map(([k, what]) => [h("dt", {}, h("kbd", {}, k)), h("dd", {}, what)]),
    ),
    h("form", { method: "dialog" }, h("button", {}, T.close)),
  );
  dlg.addEventListener("close", () => dlg.remove());
  document.body.append(dlg);
  dlg.showModal();
}

let retry = 0;
function connect() {
  const proto = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${proto}://${location.host}/api/agents/ws?token=${encodeURIComponent(session.token)}`);
  state.socket = socket;
  socket.addEventListener("open", () => {
    retry = 0;
    $("live").textContent = T.live;
    $("live").classList.remove("off");
    if (state.watching) socket.send(JSON.stringify({ type: "watch", conversationId: state.watching }));
    syncMine();
  });
  socket.addEventListener("close", (e) => {
    $("live").textContent = T.offline;
    $("live").classList.add("off");
    if (e.code !== 4401 && session.token) setTimeout(connect, Math.min(10_000, 500 * 2 ** retry++));
  });
  socket.addEventListener("message", (e) => onEvent(JSON.parse(e.data)));
}

const refreshSoon = debounce(() => refreshList().catch(() => {}), 150);
function onEvent(event) {
  switch (event.type) {
    // Issue 23: 投诉预警 pushed to supervisors and admins (the server sends it to no one else).
    case "alert.early_warning":
      toast(locale === "en" ? (event.alert.messageEn ?? event.alert.message) : event.alert.message, "breach");
      break;
    case "message":
    case "note": {
      const open = state.selected?.kind === "conversation" && state.selected.id === event.conversationId;
      if (event.conversationId === state.watching) {
        appendMessage({ ...event.message, internal: event.type === "note" || event.message.internal });
        if (event.message?.direction === "in") showTyping(false);
        if (open && event.type === "message" && event.message?.direction === "in" && event.message.seq) {
          lastInbound = { conversationId: event.conversationId, seq: event.message.seq };
          sendRead(event.conversationId, event.message.seq);
        }
      }
      // A customer's message in one of my chats: marked unless open, announced unless seen.
      if (event.type === "message" && event.message?.direction === "in" && state.mine.has(event.conversationId)) {
        if (!open) addUnread(event.conversationId);
        if (!open || document.hidden)
          alertAgent({
            title: `${T.newMessage} · ${state.titles.get(event.conversationId) ?? T.customer}`,
            body: (event.message.text ?? "").slice(0, 120),
            tag: event.conversationId,
            onClick: () => openConversation(event.conversationId),
          });
      }
      if (state.tab !== "tickets") refreshSoon();
      break;
    }
    // Issue 18: a colleague @mentioned me in a note (sent to me only, whatever I watch).
    case "mention":
      mentionNotice(event);
      alertAgent({
        title: `${event.from?.displayName ?? ""} ${T.mentionedYou}`,
        body: (event.text ?? "").slice(0, 120),
        tag: `mention-${event.messageId}`,
        onClick: () => openConversation(event.conversationId),
      });
      break;
    case "typing":
      if (event.from === "customer" && event.conversationId === state.watching) showTyping(true);
      break;
    case "handoff":
      toast(T.handoff);
      addUnread(event.conversationId);
      alertAgent({
        title: T.handoff,
        body: T.reason[event.reason] ?? "",
        tag: event.conversationId,
        onClick: () => selectTab("queued"),
      });
      refreshSoon();
      break;
    case "conversation.taken":
    case "conversation.released":
    case "conversation.transferred":
      syncMine();
      refreshSoon();
      if (state.selected?.kind === "conversation" && state.selected.id === event.conversationId)
        openConversation(event.conversationId);
      break;
    default:
      if (event.type === "survey.dissatisfied") {
        toast(`${T.dissatisfied} ${event.ticketNumber ?? event.number ?? ""}`, "breach");
      } else if (event.type?.startsWith("ticket.")) {
        const number = event.ticket?.number ?? event.number;
        if (event.type === "ticket.created") toast(`${T.newTicket} ${number ?? ""}`);
        if (state.tab === "tickets") refreshSoon();
        if (state.selected?.kind === "ticket" && state.selected.id === number) openTicket(number);
      } else if (event.type?.startsWith("sla.")) {
        const breach = event.type.includes("breach");
        const number = event.ticketNumber ?? event.number ?? "";
        const kind = event.clockKind ?? event.kind;
        toast(
          `${breach ? T.slaBreach : T.slaWarn} ${number} ${kind ? (T[kind === "resolution" ? "resolution_clock" : kind] ?? kind) : ""}`,
          breach ? "breach" : "warn",
        );
        if (state.selected?.kind === "ticket" && state.selected.id === number) openTicket(number);
        if (state.tab === "tickets") refreshSoon();
      }
  }
}

async function start() {
  try {
    me = await api("/api/auth/me");
  } catch {
    return showLogin();
  }
  $("login-view").hidden = true;
  $("app-view").hidden = false;
  $("me").textContent = staffWithRole(me.displayName, me.role);
  $("dashboard-link").hidden = me.role === "agent";
  $("suggestions-tab").hidden = me.role === "agent";
  $("admin-link").hidden = me.role === "agent";
  await api("/api/agents/me/presence", { method: "PUT", body: JSON.stringify({ presence: "online" }) }).catch(() => {});
  $("presence").value = "online";
  // Deep links from the dashboard's drill-down: /console?ticket=202611-00042
  const deepTicket = new URLSearchParams(location.search).get("ticket");
  selectTab(deepTicket ? "tickets" : "queued");
  if (deepTicket) openTicket(deepTicket).catch((err) => toast(err.message, "breach"));
  connect();
  askPermissionOnce();
}

installShortcuts({
  move: moveInList,
  take: () => ($("take") ?? $("ticket-take"))?.click(),
  resolve: () => $("ticket-resolve")?.click(),
  canned: () => {
    const box = $("composer-text");
    if (!box) return;
    box.focus();
    box.value = "/";
    box.dispatchEvent(new Event("input"));
  },
  help: showShortcuts,
});

if (session.token) start();
else showLogin();

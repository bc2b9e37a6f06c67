// Admin pages: staff accounts and groups, canned replies, SLA policies, service requests' routing
// and promises (requests.js), holiday schedules, the knowledge base (kb.js), webhook subscriptions
// and API keys (integrations.js), outlets (outlets.js), audit log, dead letters.

import { apiKeysPanel, webhooksPanel } from "/static/admin/integrations.js";
import { kbPanel } from "/static/admin/kb.js";
import { outletsPanel } from "/static/admin/outlets.js";
import { requestsPanel } from "/static/admin/requests.js";
import { widgetPanel } from "/static/admin/widget.js";
import {
  applyI18n,
  categoryLabel,
  createApi,
  h,
  locale,
  login,
  session,
  showCalendarBanner,
  toast,
} from "/static/shared/staff.js";
import {
  actionLabel,
  actorLabel,
  anyLabel,
  auditDetails,
  calendarLabel,
  clockKindLabel,
  listJoin,
  policyLabel,
  presenceLabel,
  priorityLabel,
  roleLabel,
  staffWithRole,
} from "/static/shared/words.js";

const I18N = {
  "zh-CN": {
    title: "系统管理",
    username: "用户名",
    password: "密码",
    login: "登录",
    console: "客服工作台",
    dashboard: "数据看板",
    "tab.agents": "客服账号",
    "tab.canned": "快捷回复",
    "tab.labels": "标签",
    labelName: "标签名",
    labelColor: "颜色",
    "tab.sla": "SLA 策略",
    "tab.requests": "服务请求",
    "tab.holidays": "节假日",
    "tab.outlets": "网点",
    "tab.kb": "知识库",
    "tab.widget": "网页插件",
    "tab.webhooks": "Webhook 订阅",
    "tab.apikeys": "API 密钥",
    "tab.audit": "审计日志",
    "tab.dead": "发送失败",
    displayName: "姓名",
    role: "角色",
    groups: "小组",
    status: "状态",
    active: "启用",
    disabled: "停用",
    create: "新增",
    save: "保存",
    remove: "删除",
    retry: "重试",
    titleCol: "标题",
    text: "内容",
    group: "小组（空=全部）",
    kind: "时钟",
    category: "类别",
    priority: "优先级",
    target: "时限（分钟）",
    calendar: "日历",
    rank: "优先级排序",
    at: "时间",
    actor: "操作人",
    action: "动作",
    subject: "对象",
    channel: "渠道",
    attempts: "尝试次数",
    error: "错误",
    failed: "用户名或密码错误",
    forbidden: "需要管理员权限",
    saved: "已保存",
    presence: "在线状态",
    edit: "编辑",
    cancel: "取消",
    resetPassword: "重置密码",
    confirmReset: "为「{name}」生成新密码？其当前登录将全部失效。",
    passwordOnce: "「{name}」的新密码（仅显示这一次，请转交本人）：",
    lastAdmin: "至少要保留一名启用的管理员",
    cap: "工单上限",
    disable: "停用",
    enable: "启用",
    none: "暂无",
    year: "年份",
    source: "来源（通知网址）",
    holidays: "放假",
    workdays: "调休上班",
    loadedAt: "导入时间",
    builtin: "内置数据（chinese-days）覆盖年份",
    coveredUntil: "节假日数据覆盖至",
    days: "日期（每行：YYYY-MM-DD 休|班 名称；或 JSON 数组）",
    loadJson: "保存该年安排",
    icsFile: "ICS 文件",
    loadIcs: "导入 ICS",
    view: "查看",
    subjects: {
      agent: "账号",
      ticket: "工单",
      conversation: "会话",
      canned_reply: "快捷回复",
      label: "标签",
      sla_policy: "SLA 策略",
      kb_article: "知识条目",
      outlet: "网点",
      webhook: "Webhook",
      api_key: "API 密钥",
      customer: "客户",
      outbox: "消息",
      holidays: "节假日",
      widget: "网页插件",
    },
    holidayHelp:
      "每年国务院办公厅公布次年的放假与调休安排后，请在此导入。已导入的年份替代内置数据；没有数据的年份按周一至周五及法定节假日计算（不含调休），相关 SLA 时钟会标注。",
  },
  en: {
    title: "Administration",
    username: "Username",
    password: "Password",
    login: "Log in",
    console: "Console",
    dashboard: "Dashboard",
    "tab.agents": "Staff",
    "tab.canned": "Canned replies",
    "tab.labels": "Labels",
    labelName: "Label",
    labelColor: "Colour",
    "tab.sla": "SLA policies",
    "tab.requests": "Service requests",
    "tab.holidays": "Holidays",
    "tab.outlets": "Outlets",
    "tab.kb": "Knowledge base",
    "tab.widget": "Web widget",
    "tab.webhooks": "Webhooks",
    "tab.apikeys": "API keys",
    "tab.audit": "Audit log",
    "tab.dead": "Dead letters",
    displayName: "Name",
    role: "Role",
    groups: "Groups",
    status: "Status",
    active: "Active",
    disabled: "Disabled",
    create: "Add",
    save: "Save",
    remove: "Delete",
    retry: "Retry",
    titleCol: "Title",
    text: "Text",
    group: "Group (empty = all)",
    kind: "Clock",
    category: "Category",
    priority: "Priority",
    target: "Target (minutes)",
    calendar: "Calendar",
    rank: "Rank",
    at: "Time",
    actor: "Actor",
    action: "Action",
    subject: "Subject",
    channel: "Channel",
    attempts: "Attempts",
    error: "Error",
    failed: "Wrong username or password",
    forbidden: "Admins only",
    saved: "Saved",
    presence: "Presence",
    edit: "Edit",
    cancel: "Cancel",
    resetPassword: "Reset password",
    confirmReset: "Generate a new password for {name}? Their current sessions end.",
    passwordOnce: "New password for {name} (shown this once; pass it on to them):",
    lastAdmin: "At least one active administrator must remain",
    cap: "Ticket cap",
    disable: "Disable",
    enable: "Enable",
    none: "Nothing here",
    year: "Year",
    source: "Source (notice URL)",
    holidays: "Days off",
    workdays: "Make-up working days",
    loadedAt: "Loaded",
    builtin: "Built-in data (chinese-days) covers",
    coveredUntil: "Holiday data covers until",
    days: "Days (one per line: YYYY-MM-DD 休|班 name; or a JSON array)",
    loadJson: "Save the year",
    icsFile: "ICS file",
    loadIcs: "Import ICS",
    view: "View",
    subjects: {
      agent: "Account",
      ticket: "Ticket",
      conversation: "Conversation",
      canned_reply: "Canned reply",
      label: "Label",
      sla_policy: "SLA policy",
      kb_article: "Article",
      outlet: "Outlet",
      webhook: "Webhook",
      api_key: "API key",
      customer: "Customer",
      outbox: "Message",
      holidays: "Holidays",
      widget: "Web widget",
    },
    holidayHelp:
      "Load the State Council's schedule for the next year once it is published. A loaded year replaces the built-in data; a year without data counts Monday–Friday and the statutory holidays (without make-up working days), and the SLA clocks concerned are marked.",
  },
};
const T = I18N[locale];
applyI18n(T);
const $ = (id) => document.getElementById(id);
const api = createApi(() => showLogin());
const fmt = (iso) => new Date(iso).toLocaleString(locale);
let groups = [];
let me = null;
/** A group's name in the page's language (its code when unknown). */
const groupName = (code) => {
  const g = groups.find((x) => x.code === code);
  return g ? (locale === "en" ? g.nameEn : g.nameZh) : code;
};

function showLogin() {
  $("app-view").hidden = true;
  $("login-view").hidden = false;
}

$("login").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = Object.fromEntries(new FormData(e.target));
  try {
    await login(form.username, form.password);
    await start();
  } catch {
    $("login-error").textContent = T.failed;
    $("login-error").hidden = false;
  }
});
for (const tab of document.querySelectorAll("[data-tab]")) tab.addEventListener("click", () => show(tab.dataset.tab));

/** Group codes in the order of the group list (the checkboxes'), unknown ones last. */
const inGroupOrder = (codes) => [
  ...groups.filter((g) => codes.includes(g.code)).map((g) => g.code),
  ...codes.filter((c) => !groups.some((g) => g.code === c)),
];

/** The groups as checkboxes named "groups" (all visible, none scrolled away), ticked where `chosen` has them. */
function groupChecks(chosen = []) {
  return h(
    "fieldset",
    { class: "checks", "data-field": "groups" },
    groups.map((g) =>
      h(
        "label",
        {},
        h("input", { type: "checkbox", name: "groups", value: g.code, checked: chosen.includes(g.code) }),
        ` ${groupName(g.code)}`,
      ),
    ),
  );
}

function table(headers, rows) {
  if (!rows.length) return h("p", {}, T.none);
  return h(
    "table",
    {},
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        headers.map((x) => h("th", {}, x)),
      ),
    ),
    h("tbody", {}, rows),
  );
}

const panels = {
  kb: () => kbPanel({ api, table, refresh: () => show("kb"), me }),
  widget: () => widgetPanel({ api }),
  requests: () => requestsPanel({ api, table, me, groups, refresh: () => show("requests") }),
  // Issue 21: webhook subscriptions and API keys for systems (integrations.js).
  webhooks: () => webhooksPanel({ api, table, refresh: () => show("webhooks") }),
  apikeys: () => apiKeysPanel({ api, table, refresh: () => show("apikeys") }),
  outlets: () => outletsPanel({ api, table, me, groups, refresh: () => show("outlets") }),
  async agents() {
    const { agents } = await api("/api/admin/agents");
    const notice = h("div", { id: "agent-notice" });
    const editor = h("div", { id: "agent-editor" });
    const roleSelect = (chosen = "agent") =>
      h(
        "select",
        { name: "role" },
        ["agent", "supervisor", "admin"].map((r) => h("option", { value: r, selected: r === chosen }, roleLabel(r))),
      );
    const form = h(
      "form",
      { class: "inline", id: "agent-form" },
      h("label", {}, T.username, h("input", { name: "username", required: true })),
      h("label", {}, T.displayName, h("input", { name: "displayName", required: true })),
      h("label", {}, T.password, h("input", { name: "password", type: "password", minlength: "8", required: true })),
      h("label", {}, T.role, roleSelect()),
      h("div", { class: "field" }, h("span", {}, T.groups), groupChecks()),
      h("button", { type: "submit" }, T.create),
    );
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const data = new FormData(form);
      const body = {
        username: data.get("username"),
        displayName: data.get("displayName"),
        password: data.get("password"),
        role: data.get("role"),
        groups: data.getAll("groups"),
      };
      try {
        await api("/api/admin/agents", { method: "POST", body: JSON.stringify(body) });
        toast(T.saved);
        show("agents");
      } catch (err) {
        toast(err.message, "breach");
      }
    });
    /** The edit form of one account: name, role, groups (every group visible as a checkbox). */
    const edit = (a) => {
      const f = h(
        "form",
        { class: "inline", id: "agent-edit", "data-agent": a.username },
        h("strong", { style: "flex-basis:100%" }, `${T.edit}: ${a.username}`),
        h("label", {}, T.displayName, h("input", { name: "displayName", required: true, value: a.displayName })),
        h("label", {}, T.role, roleSelect(a.role)),
        h("div", { class: "field" }, h("span", {}, T.groups), groupChecks(a.groups)),
        h("button", { type: "submit" }, T.save),
        h("button", { type: "button", class: "secondary", onclick: () => editor.replaceChildren() }, T.cancel),
      );
      f.addEventListener("submit", async (e) => {
        e.preventDefault();
        const data = new FormData(f);
        try {
          await api(`/api/admin/agents/${a.id}`, {
            method: "PATCH",
            body: JSON.stringify({
              displayName: data.get("displayName"),
              role: data.get("role"),
              groups: data.getAll("groups"),
            }),
          });
          toast(T.saved);
          show("agents");
        } catch (err) {
          toast(err.code === "LAST_ADMIN" ? T.lastAdmin : err.message, "breach");
        }
      });
      editor.replaceChildren(f);
      f.querySelector("input[name=displayName]").focus();
    };
    const resetPassword = async (a) => {
      if (!confirm(T.confirmReset.replace("{name}", a.displayName))) return;
      try {
        const { password: pw } = await api(`/api/admin/agents/${a.id}/password-reset`, { method: "POST" });
        notice.replaceChildren(
          h(
            "div",
            { class: "card once", id: "new-password", role: "status" },
            h("p", {}, T.passwordOnce.replace("{name}", a.displayName)),
            h("pre", { class: "secret" }, pw),
          ),
        );
      } catch (err) {
        toast(err.message, "breach");
      }
    };
    const rows = agents.map((a) =>
      h(
        "tr",
        { "data-agent": a.username },
        h("td", {}, a.username),
        h("td", {}, a.displayName),
        h("td", { "data-role": a.role }, roleLabel(a.role)),
        h("td", {}, listJoin(inGroupOrder(a.groups).map(groupName))),
        h("td", { "data-presence": a.presence }, presenceLabel(a.presence)),
        h("td", {}, a.active ? T.active : T.disabled),
        h(
          "td",
          { class: "actions" },
          h("button", { class: "secondary", "data-do": "edit", onclick: () => edit(a) }, T.edit),
          h("button", { class: "secondary", "data-do": "reset", onclick: () => resetPassword(a) }, T.resetPassword),
          h(
            "button",
            {
              class: "secondary",
              "data-do": "active",
              onclick: async () => {
                try {
                  await api(`/api/admin/agents/${a.id}`, {
                    method: "PATCH",
                    body: JSON.stringify({ active: !a.active }),
                  });
                  show("agents");
                } catch (err) {
                  toast(err.code === "LAST_ADMIN" ? T.lastAdmin : err.message, "breach");
                }
              },
            },
            a.active ? T.disable : T.enable,
          ),
        ),
      ),
    );
    return [notice, form, editor, table([T.username, T.displayName, T.role, T.groups, T.presence, T.status, ""], rows)];
  },
  async canned() {
    const { cannedReplies } = await api("/api/canned-replies");
    const form = h(
      "form",
      { class: "inline" },
      h("label", {}, T.titleCol, h("input", { name: "title", required: true })),
      h(
        "label",
        { style: "flex:1" },
        `${T.text} ({customerName} {waybill})`,
        h("input", { name: "text", required: true }),
      ),
      h(
        "label",
        {},
        T.group,
        h(
          "select",
          { name: "groupCode" },
          h("option", { value: "" }, "—"),
          groups.map((g) => h("option", { value: g.code }, groupName(g.code))),
        ),
      ),
      h("button", { type: "submit" }, T.create),
    );
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const d = Object.fromEntries(new FormData(form));
      await api("/api/admin/canned-replies", {
        method: "POST",
        body: JSON.stringify({ ...d, groupCode: d.groupCode || null }),
      }).catch((err) => toast(err.message, "breach"));
      show("canned");
    });
    const rows = cannedReplies.map((c) =>
      h(
        "tr",
        {},
        h("td", {}, c.title),
        h("td", {}, c.text),
        h("td", {}, c.groupCode ? groupName(c.groupCode) : "—"),
        h(
          "td",
          {},
          h(
            "button",
            {
              class: "secondary",
              onclick: async () => {
                await api(`/api/admin/canned-replies/${c.id}`, { method: "DELETE" });
                show("canned");
              },
            },
            T.remove,
          ),
        ),
      ),
    );
    return [form, table([T.titleCol, T.text, T.group, ""], rows)];
  },
  // Issue 18: the labels agents put on conversations and tickets (name, colour).
  async labels() {
    const { labels } = await api("/api/labels");
    const form = h(
      "form",
      { class: "inline", id: "label-form" },
      h("label", {}, T.labelName, h("input", { name: "name", required: true, maxlength: "20" })),
      h("label", {}, T.labelColor, h("input", { name: "color", type: "color", value: "#2563eb" })),
      h("button", { type: "submit" }, T.create),
    );
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      await api("/api/admin/labels", { method: "POST", body: JSON.stringify(Object.fromEntries(new FormData(form))) })
        .then(() => show("labels"))
        .catch((err) => toast(err.message, "breach"));
    });
    const rows = labels.map((l) =>
      h(
        "tr",
        { "data-label": l.name },
        h("td", {}, h("span", { class: "label-swatch", style: `background:${l.color}` }), " ", l.name),
        h("td", {}, l.color),
        h(
          "td",
          {},
          h(
            "button",
            {
              class: "secondary",
              onclick: async () => {
                await api(`/api/admin/labels/${l.id}`, { method: "DELETE" }).catch((err) =>
                  toast(err.message, "breach"),
                );
                show("labels");
              },
            },
            T.remove,
          ),
        ),
      ),
    );
    return [form, table([T.labelName, T.labelColor, ""], rows)];
  },
  async sla() {
    const { items } = await api("/api/sla/policies");
    const rows = items.map((p) => {
      const target = h("input", { type: "number", min: "1", value: p.targetMinutes, style: "width:90px" });
      return h(
        "tr",
        { "data-policy": p.name },
        h("td", { title: p.name }, policyLabel(p)),
        h("td", {}, clockKindLabel(p.kind)),
        h("td", {}, p.category ? categoryLabel(p.category) : anyLabel),
        h("td", {}, priorityLabel(p.priority)),
        h("td", {}, p.groupCode ? groupName(p.groupCode) : anyLabel),
        h("td", {}, target),
        h("td", { title: p.calendarId }, calendarLabel(p.calendarId)),
        h("td", {}, String(p.rank)),
        h(
          "td",
          {},
          h(
            "button",
            {
              class: "secondary",
              onclick: async () => {
                try {
                  const { name, id, ...rest } = p;
                  await api(`/api/sla/policies/${encodeURIComponent(name)}`, {
                    method: "PUT",
                    body: JSON.stringify(pickPolicy({ ...rest, targetMinutes: Number(target.value) })),
                  });
                  toast(T.saved);
                } catch (err) {
                  toast(err.message, "breach");
                }
              },
            },
            T.save,
          ),
        ),
      );
    });
    return [table(["", T.kind, T.category, T.priority, T.group, T.target, T.calendar, T.rank, ""], rows)];
  },
  async holidays() {
    const { loaded, builtinYears, coverage } = await api("/api/admin/holidays");
    const nextYear = coverage.coveredUntil ? Number(coverage.coveredUntil.slice(0, 4)) + 1 : new Date().getFullYear();
    const year = h("input", { name: "year", type: "number", min: "2000", max: "2100", value: String(nextYear) });
    const source = h("input", { name: "source", placeholder: "https://www.gov.cn/…", style: "width:320px" });
    const days = h("textarea", { name: "days", rows: "8", style: "width:100%", placeholder: "2027-01-01 休 元旦" });
    const file = h("input", { type: "file", accept: ".ics,text/calendar" });
    const saveYear = async () => {
      const y = Number(year.value);
      const text = days.value.trim();
      const parsed = text.startsWith("[") || text.startsWith("{") ? JSON.parse(text) : parseLines(text);
      const list = Array.isArray(parsed) ? parsed : parsed.days;
      await api(`/api/admin/holidays/${y}`, {
        method: "PUT",
        body: JSON.stringify({ source: source.value || "form", days: list }),
      });
    };
    const importIcs = async () => {
      const f = file.files?.[0];
      if (!f) return;
      const y = Number(year.value);
      await api(`/api/admin/holidays/${y}/ics`, {
        method: "POST",
        body: JSON.stringify({ ics: await f.text(), source: source.value || `ics: ${f.name}` }),
      });
    };
    const run = (fn) => async () => {
      try {
        await fn();
        toast(T.saved);
        show("holidays");
      } catch (err) {
        toast(err.message, "breach");
      }
    };
    const form = h(
      "form",
      { class: "inline", onsubmit: (e) => e.preventDefault() },
      h("p", { style: "flex-basis:100%;margin:0" }, T.holidayHelp),
      h("p", { style: "flex-basis:100%;margin:0" }, coverage.message),
      h("label", {}, T.year, year),
      h("label", {}, T.source, source),
      h("label", { style: "flex-basis:100%" }, T.days, days),
      h("button", { type: "button", onclick: run(saveYear) }, T.loadJson),
      h("label", {}, T.icsFile, file),
      h("button", { type: "button", class: "secondary", onclick: run(importIcs) }, T.loadIcs),
    );
    const rows = loaded.map((y) =>
      h(
        "tr",
        {},
        h("td", {}, String(y.year)),
        h("td", {}, String(y.holidays)),
        h("td", {}, String(y.workdays)),
        h("td", {}, y.source),
        h("td", {}, fmt(y.loadedAt)),
        h(
          "td",
          {},
          h(
            "button",
            {
              class: "secondary",
              onclick: async () => {
                const one = await api(`/api/admin/holidays/${y.year}`);
                year.value = String(y.year);
                source.value = one.source ?? "";
                days.value = one.days
                  .map((d) => `${d.date} ${d.kind === "workday" ? "班" : "休"} ${d.name}`)
                  .join("\n");
              },
            },
            T.view,
          ),
          h(
            "button",
            {
              class: "secondary",
              onclick: run(() => api(`/api/admin/holidays/${y.year}`, { method: "DELETE" })),
            },
            T.remove,
          ),
        ),
      ),
    );
    return [
      form,
      table([T.year, T.holidays, T.workdays, T.source, T.loadedAt, ""], rows),
      h("p", {}, `${T.builtin}: ${builtinYears[0]}–${builtinYears[builtinYears.length - 1]}`),
    ];
  },
  async audit() {
    const [{ events }, { agents }] = await Promise.all([api("/api/admin/audit?limit=200"), api("/api/admin/agents")]);
    const names = new Map(agents.map((a) => [a.id, a.displayName]));
    /** The object acted on in words: a staff member by name, a ticket by number, else its kind and short id. */
    const subjectLabel = (e) => {
      if (!e.subjectType) return "";
      const kind = T.subjects[e.subjectType] ?? e.subjectType;
      if (e.subjectType === "agent" && names.has(e.subjectId)) return `${kind} ${names.get(e.subjectId)}`;
      if (e.data?.number) return `${kind} ${e.data.number}`;
      if (e.data?.title) return `${kind} ${e.data.title}`;
      return e.subjectId ? `${kind} ${String(e.subjectId).slice(0, 8)}` : kind;
    };
    return [
      table(
        [T.at, T.actor, T.action, T.subject, ""],
        events.map((e) =>
          h(
            "tr",
            {},
            h("td", {}, fmt(e.at)),
            h(
              "td",
              { title: e.actor ? `${e.actor.username} ${e.actor.id}` : `${e.actorType} ${e.actorId ?? ""}` },
              actorLabel(e),
            ),
            h("td", { title: e.action, "data-action": e.action }, actionLabel(e.action)),
            h("td", { title: `${e.subjectType ?? ""} ${e.subjectId ?? ""}` }, subjectLabel(e)),
            h("td", { class: "details", title: e.data ? JSON.stringify(e.data) : "" }, auditDetails(e.data, groupName)),
          ),
        ),
      ),
    ];
  },
  async dead() {
    const { dead } = await api("/api/admin/outbox/dead");
    return [
      table(
        [T.at, T.channel, T.attempts, T.error, ""],
        dead.map((d) =>
          h(
            "tr",
            {},
            h("td", {}, fmt(d.createdAt)),
            h("td", {}, d.channel),
            h("td", {}, String(d.attempts)),
            h("td", {}, d.lastError ?? ""),
            h(
              "td",
              {},
              h(
                "button",
                {
                  onclick: async () => {
                    await api(`/api/admin/outbox/${d.id}/retry`, { method: "POST" }).catch((err) =>
                      toast(err.message, "breach"),
                    );
                    show("dead");
                  },
                },
                T.retry,
              ),
            ),
          ),
        ),
      ),
    ];
  },
};

/** "YYYY-MM-DD 休|班 name" lines (or holiday|workday) into the API's days. */
function parseLines(text) {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [date, mark = "休", ...name] = line.split(/\s+/);
      const kind = /^(班|上班|workday)$/i.test(mark) ? "workday" : "holiday";
      return { date, kind, name: name.join(" ") };
    });
}

/** The fields PUT /api/sla/policies takes; ticketType too, or a request's policy would become a complaint's. */
function pickPolicy(p) {
  const keys = [
    "ticketType",
    "kind",
    "category",
    "priority",
    "groupCode",
    "complex",
    "targetMinutes",
    "calendarId",
    "warnRatio",
    "pausable",
    "active",
    "rank",
  ];
  return Object.fromEntries(keys.filter((k) => p[k] !== undefined).map((k) => [k, p[k]]));
}

async function show(tab) {
  for (const b of document.querySelectorAll("[data-tab]"))
    b.setAttribute("aria-selected", String(b.dataset.tab === tab));
  try {
    $("panel").replaceChildren(...(await panels[tab]()));
  } catch (err) {
    $("panel").replaceChildren(h("p", { class: "error" }, err.status === 403 ? T.forbidden : err.message));
  }
}

async function start() {
  me = await api("/api/auth/me");
  $("login-view").hidden = true;
  $("app-view").hidden = false;
  $("me").textContent = staffWithRole(me.displayName, me.role);
  showCalendarBanner($("calendar-banner"));
  groups = (await api("/api/groups")).groups;
  show(me.role === "admin" ? "agents" : "sla");
}

if (session.token) start().catch(() => showLogin());
else showLogin();

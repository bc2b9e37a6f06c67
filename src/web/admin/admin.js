// Admin pages: staff accounts and groups, canned replies, SLA policies, audit log, dead letters.
import { applyI18n, createApi, h, locale, login, session, toast } from "/static/shared/staff.js";

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
    "tab.sla": "SLA 策略",
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
    cap: "工单上限",
    disable: "停用",
    enable: "启用",
    none: "暂无",
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
    "tab.sla": "SLA policies",
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
    cap: "Ticket cap",
    disable: "Disable",
    enable: "Enable",
    none: "Nothing here",
  },
};
const T = I18N[locale];
applyI18n(T);
const $ = (id) => document.getElementById(id);
const api = createApi(() => showLogin());
const fmt = (iso) => new Date(iso).toLocaleString(locale);
let groups = [];

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
  async agents() {
    const { agents } = await api("/api/admin/agents");
    const form = h(
      "form",
      { class: "inline", id: "agent-form" },
      h("label", {}, T.username, h("input", { name: "username", required: true })),
      h("label", {}, T.displayName, h("input", { name: "displayName", required: true })),
      h("label", {}, T.password, h("input", { name: "password", type: "password", minlength: "8", required: true })),
      h(
        "label",
        {},
        T.role,
        h(
          "select",
          { name: "role" },
          ["agent", "supervisor", "admin"].map((r) => h("option", { value: r }, r)),
        ),
      ),
      h(
        "label",
        {},
        T.groups,
        h(
          "select",
          { name: "groups", multiple: true, size: "3" },
          groups.map((g) => h("option", { value: g.code }, locale === "en" ? g.nameEn : g.nameZh)),
        ),
      ),
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
    const rows = agents.map((a) =>
      h(
        "tr",
        { "data-agent": a.username },
        h("td", {}, a.username),
        h("td", {}, a.displayName),
        h("td", {}, a.role),
        h("td", {}, a.groups.join("、")),
        h("td", {}, a.presence),
        h("td", {}, a.active ? T.active : T.disabled),
        h(
          "td",
          {},
          h(
            "button",
            {
              class: "secondary",
              onclick: async () => {
                try {
                  await api(`/api/admin/agents/${a.id}`, {
                    method: "PATCH",
                    body: JSON.stringify({ active: !a.active }),
                  });
                  show("agents");
                } catch (err) {
                  toast(err.message, "breach");
                }
              },
            },
            a.active ? T.disable : T.enable,
          ),
        ),
      ),
    );
    return [form, table([T.username, T.displayName, T.role, T.groups, T.presence, T.status, ""], rows)];
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
          groups.map((g) => h("option", { value: g.code }, g.nameZh)),
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
        h("td", {}, c.groupCode ?? "—"),
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
  async sla() {
    const { items } = await api("/api/sla/policies");
    const rows = items.map((p) => {
      const target = h("input", { type: "number", min: "1", value: p.targetMinutes, style: "width:90px" });
      return h(
        "tr",
        {},
        h("td", {}, p.name),
        h("td", {}, p.kind),
        h("td", {}, p.category ?? "*"),
        h("td", {}, p.priority ?? "*"),
        h("td", {}, p.groupCode ?? "*"),
        h("td", {}, target),
        h("td", {}, p.calendarId),
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
  async audit() {
    const { events } = await api("/api/admin/audit?limit=200");
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
              e.actor ? { title: `${e.actor.username} ${e.actor.id}` } : {},
              e.actor ? e.actor.displayName : `${e.actorType} ${e.actorId ?? ""}`,
            ),
            h("td", {}, e.action),
            h("td", {}, `${e.subjectType ?? ""} ${e.subjectId ?? ""}`),
            h("td", {}, h("pre", {}, e.data ? JSON.stringify(e.data) : "")),
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

function pickPolicy(p) {
  const keys = [
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
  const me = await api("/api/auth/me");
  $("login-view").hidden = true;
  $("app-view").hidden = false;
  $("me").textContent = `${me.displayName} (${me.role})`;
  groups = (await api("/api/groups")).groups;
  show(me.role === "admin" ? "agents" : "sla");
}

if (session.token) start().catch(() => showLogin());
else showLogin();
